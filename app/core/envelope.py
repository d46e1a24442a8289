"""The one response shape: `{status, error_type, message, status_code, data}`."""

from collections.abc import Iterable, Mapping
from typing import Any, Generic, Literal, TypeVar

from fastapi import Request, Response
from pydantic import BaseModel, ConfigDict, JsonValue
from starlette.types import Scope

from app.core.errors import ErrorType
from app.core.i18n import MessageKey, negotiate, translate
from app.core.i18n.issues import localize_issues

DataT = TypeVar("DataT")


class Envelope(BaseModel, Generic[DataT]):
    """A successful response: `status` 1, `data` holds the payload."""

    model_config = ConfigDict(extra="forbid")

    status: Literal[1] = 1
    error_type: ErrorType
    message: str
    status_code: int
    data: DataT


class ValidationIssue(BaseModel):
    """One problem with the input; the submitted value is never echoed back."""

    loc: list[str | int]
    msg: str
    type: str


class ErrorEnvelope(BaseModel):
    """A failed response: `status` -1, `data` holds details (validation issues) or null."""

    # Every route documents it for each common error status, and FastAPI builds a validator
    # and a serializer per (route, status) in every app, used only if the OpenAPI document
    # is generated: deferred, they are built when first used instead (a third of an app's
    # route set-up). The model itself is built once, at its first error response.
    model_config = ConfigDict(extra="forbid", defer_build=True)

    status: Literal[-1] = -1
    error_type: ErrorType
    message: str
    status_code: int
    data: JsonValue = None


# Where `RequestContextMiddleware` puts the negotiated language in the request's scope.
LANGUAGE_STATE_KEY = "language"


def scope_language(scope: Scope) -> str:
    """The request's language: negotiated once by the middleware, else from the header now."""
    language = scope.get("state", {}).get(LANGUAGE_STATE_KEY)
    if isinstance(language, str):
        return language
    for key, value in scope.get("headers", ()):
        if key == b"accept-language":
            return negotiate(value.decode("latin-1"))
    return negotiate(None)


def request_language(request: Request) -> str:
    """The language negotiated from the request's `Accept-Language` header."""
    return scope_language(request.scope)


def success(
    data: DataT,
    language: str,
    error_type: ErrorType = ErrorType.SUCCESS,
    message: MessageKey | None = None,
) -> Envelope[DataT]:
    """Wrap a payload; the route must declare `status_code=error_type.status_code`."""
    # `Envelope(...)`, not `Envelope[DataT](...)`: the subscript is the same class, looked
    # up again through pydantic's generic cache on every response. (Validating here is
    # cheaper than `model_construct`, which walks the fields in Python.)
    return Envelope(
        error_type=error_type,
        message=translate(message or error_type.message_key, language),
        status_code=error_type.status_code,
        data=data,
    )


def created(
    data: DataT,
    language: str,
    response: Response,
    location: str,
    message: MessageKey | None = None,
) -> Envelope[DataT]:
    """Wrap a new resource for a 201 whose `Location` header names where it lives."""
    response.headers["Location"] = location
    return success(data, language, ErrorType.RESOURCE_CREATED, message)


def failure(
    error_type: ErrorType,
    language: str,
    message: MessageKey | None = None,
    data: JsonValue = None,
    params: Mapping[str, str | int] | None = None,
) -> ErrorEnvelope:
    """Build the envelope for a failure."""
    return ErrorEnvelope(
        error_type=error_type,
        message=translate(message or error_type.message_key, language, params),
        status_code=error_type.status_code,
        # Each validation issue's `msg` in the same language as `message` (REST and GraphQL).
        data=localize_issues(data, language),
    )


# Every route can answer these, whatever it does: body checks, validation, crashes.
COMMON_ERRORS: tuple[ErrorType, ...] = (
    ErrorType.MALFORMED_REQUEST,
    ErrorType.PAYLOAD_TOO_LARGE,
    ErrorType.UNSUPPORTED_MEDIA_TYPE,
    ErrorType.VALIDATION_ERROR,
    ErrorType.INTERNAL_ERROR,
)


def error_responses(*extra: ErrorType) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` documenting the error envelope for the common and given statuses."""
    return {
        error_type.status_code: {"model": ErrorEnvelope, "description": error_type.value}
        for error_type in _unique((*COMMON_ERRORS, *extra))
    }


def _unique(items: Iterable[ErrorType]) -> list[ErrorType]:
    return list(dict.fromkeys(items))
