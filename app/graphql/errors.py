"""GraphQL errors in the app's contract: each entry of `errors[]` carries the envelope.

A resolver raises the same `AppError`s a REST service does and the entry gets the
`error_type`, translated message, REST status code and data that REST would send. Document
errors (syntax, unknown fields, the depth and alias limits) become MALFORMED_REQUEST (the
document cannot be parsed, or has too many tokens) or VALIDATION_ERROR (it parses but breaks
the schema or a limit), with the problems as `{loc, msg, type}` like REST's 422.
Anything else is an INTERNAL_ERROR whose entry says nothing about the exception.
"""

import logging
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
from app.core.i18n import MessageKey, translate
from app.database.availability import is_backend_unavailable

logger = logging.getLogger("app.errors")

# The catalog text of each kind of document issue. graphql-core's own text is English and
# quotes the document's names ("Cannot query field 'x'"), so only development shows it. The
# depth and alias limits report through rules that do not name themselves in the error, so
# their issues share the schema text; the token limit stops the parser (a syntax issue).
_ISSUE_KEYS = {
    "graphql_syntax": MessageKey.ISSUE_GRAPHQL_SYNTAX,
    "graphql_validation": MessageKey.ISSUE_GRAPHQL_DOCUMENT,
}


def _about_a_value(error: GraphQLError) -> bool:
    return any(isinstance(node, ValueNode | VariableDefinitionNode) for node in error.nodes or ())


def _issue(error: GraphQLError, kind: str, language: str, hints: bool) -> JsonValue:
    location = error.locations[0] if error.locations else None
    loc: list[str | int] = ["query"]
    if location is not None:
        loc += [location.line, location.column]
    if _about_a_value(error):
        # graphql-core's text would quote the submitted value back, even to a developer.
        msg = translate(MessageKey.ISSUE_INVALID, language)
    elif hints:
        msg = error.message
    else:
        msg = translate(_ISSUE_KEYS[kind], language)
    return ValidationIssue(loc=loc, msg=msg, type=kind).model_dump()


def app_error_of(error: GraphQLError, language: str, hints: bool = False) -> AppError:
    """The `AppError` an entry of `errors[]` reports (the raised one, or its classification).

    Document issues get catalog text in `language`; `hints` (development only) keeps
    graphql-core's own text instead, "Did you mean" suggestions and all.
    """
    original = error.original_error
    if isinstance(original, AppError):
        return original
    # A variable's bad value wraps the scalar's own error (which quotes the value): report
    # the variable's, whose node marks it as about a value.
    document_error = original is None or _about_a_value(error)
    if isinstance(original, GraphQLError) and not document_error:
        # A resolver may wrap errors; report what it wrapped.
        return app_error_of(original, language, hints)
    if document_error and error.path is None:
        if isinstance(error, GraphQLSyntaxError):
            return MalformedRequestError(
                MessageKey.GRAPHQL_SYNTAX_ERROR,
                data=[_issue(error, "graphql_syntax", language, hints)],
            )
        return ValidationError(
            MessageKey.GRAPHQL_INVALID_DOCUMENT,
            data=[_issue(error, "graphql_validation", language, hints)],
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
        app_error = app_error_of(error, language, hints)
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
