"""GraphQL errors in the app's contract: each entry of `errors[]` carries the envelope.

A resolver raises the same `AppError`s a REST service does and the entry gets the
`error_type`, translated message, REST status code and data that REST would send. Document
errors (syntax, unknown fields, the depth and alias limits) become MALFORMED_REQUEST (the
document cannot be parsed, or has too many tokens) or VALIDATION_ERROR (it parses but breaks
the schema or a limit), with the problems as `{loc, msg, type}` like REST's 422.
Anything else is an INTERNAL_ERROR whose entry says nothing about the exception.
"""

import logging
import re
from collections.abc import Sequence
from typing import Any

from graphql import GraphQLError, GraphQLSyntaxError
from graphql.language import ValueNode, VariableDefinitionNode
from pydantic import JsonValue

from app.core.envelope import ValidationIssue, failure
from app.core.errors import (
    AppError,
    ErrorType,
    MalformedRequestError,
    ServiceUnavailableError,
    ValidationError,
)
from app.core.i18n import MessageKey
from app.database.availability import is_backend_unavailable

logger = logging.getLogger("app.errors")

# Used instead of graphql-core's text when an error is about a submitted value, which that
# text would quote back (REST's validation issues never echo input either).
INVALID_VALUE_MSG = "Invalid value."


# graphql-core's suggestions ("Did you mean 'price'?") for arguments, types, enum values and
# input fields: outside development they would reveal the schema one guess at a time, which
# is what turning introspection off is for.
_SUGGESTION = re.compile(r"\s*Did you mean .*$", re.DOTALL)


def without_suggestions(message: str) -> str:
    """The message without its "Did you mean ..." hint."""
    return _SUGGESTION.sub("", message)


def _issue(error: GraphQLError, kind: str, hints: bool = False) -> JsonValue:
    location = error.locations[0] if error.locations else None
    loc: list[str | int] = ["query"]
    if location is not None:
        loc += [location.line, location.column]
    about_a_value = any(
        isinstance(node, ValueNode | VariableDefinitionNode) for node in error.nodes or ()
    )
    text = error.message if hints else without_suggestions(error.message)
    msg = INVALID_VALUE_MSG if about_a_value else text
    return ValidationIssue(loc=loc, msg=msg, type=kind).model_dump()


def app_error_of(error: GraphQLError, hints: bool = False) -> AppError:
    """The `AppError` an entry of `errors[]` reports (the raised one, or its classification).

    `hints`: keep graphql-core's "Did you mean" suggestions (development only).
    """
    original = error.original_error
    if isinstance(original, AppError):
        return original
    if isinstance(original, GraphQLError):
        # A resolver may wrap errors; report what it wrapped.
        return app_error_of(original, hints)
    if original is None and error.path is None:
        if isinstance(error, GraphQLSyntaxError):
            return MalformedRequestError(
                MessageKey.GRAPHQL_SYNTAX_ERROR, data=[_issue(error, "graphql_syntax", hints)]
            )
        return ValidationError(
            MessageKey.GRAPHQL_INVALID_DOCUMENT,
            data=[_issue(error, "graphql_validation", hints)],
        )
    if original is not None and is_backend_unavailable(original):
        return ServiceUnavailableError()
    # A crash in a resolver, or a null for a non-null field: a server bug either way.
    return AppError()


def envelope_of(error: AppError, language: str) -> dict[str, Any]:
    """The five envelope fields for `error`, translated into `language`."""
    return failure(error.error_type, language, error.message, error.data, error.params).model_dump(
        mode="json"
    )


def format_errors(
    errors: Sequence[GraphQLError], language: str, request_id: str, *, hints: bool = False
) -> list[dict[str, Any]]:
    """`errors[]` for the response: translated message, locations, path, envelope extensions."""
    formatted: list[dict[str, Any]] = []
    for error in errors:
        app_error = app_error_of(error, hints)
        if app_error.error_type is ErrorType.INTERNAL_ERROR:
            # The client sees nothing of it; the request id leads an operator here.
            logger.error(
                "graphql resolver failed request_id=%s path=%s",
                request_id,
                error.path,
                exc_info=error.original_error or error,
            )
        elif app_error.error_type is ErrorType.SERVICE_UNAVAILABLE:
            logger.warning("backend unavailable request_id=%s", request_id)
        extensions = envelope_of(app_error, language)
        entry: dict[str, Any] = {"message": extensions["message"]}
        if error.locations:
            entry["locations"] = [location.formatted for location in error.locations]
        if error.path is not None:
            entry["path"] = error.path
        entry["extensions"] = extensions
        formatted.append(entry)
    return formatted


def transport_error_body(error: AppError, language: str) -> dict[str, Any]:
    """A request-level failure as GraphQL-over-HTTP sends it: one error, no `data`."""
    extensions = envelope_of(error, language)
    return {"errors": [{"message": extensions["message"], "extensions": extensions}]}
