"""The closed set of outcomes a response can report, and the errors that carry them."""

from collections.abc import Mapping
from enum import StrEnum
from http import HTTPStatus
from types import MappingProxyType
from typing import ClassVar

from pydantic import JsonValue

from app.core.i18n.keys import MessageKey


class ErrorType(StrEnum):
    """Every `error_type` a response may carry; the status of each is in `OUTCOMES`."""

    SUCCESS = "SUCCESS"
    RESOURCE_CREATED = "RESOURCE_CREATED"
    MALFORMED_REQUEST = "MALFORMED_REQUEST"
    UNAUTHORIZED = "UNAUTHORIZED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    NOT_ACCEPTABLE = "NOT_ACCEPTABLE"
    CONFLICT = "CONFLICT"
    PRECONDITION_FAILED = "PRECONDITION_FAILED"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
    VALIDATION_ERROR = "VALIDATION_ERROR"
    RATE_LIMITED = "RATE_LIMITED"
    INTERNAL_ERROR = "INTERNAL_ERROR"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"

    @property
    def status_code(self) -> int:
        """The HTTP status this outcome is always sent with."""
        return OUTCOMES[self][0]

    @property
    def message_key(self) -> MessageKey:
        """The catalog entry used when the raiser gives no more specific message."""
        return OUTCOMES[self][1]


# Each outcome's HTTP status and default message, side by side. Explicit on purpose: a
# status is never derived from a name.
OUTCOMES: Mapping[ErrorType, tuple[int, MessageKey]] = {
    ErrorType.SUCCESS: (HTTPStatus.OK, MessageKey.SUCCESS),
    ErrorType.RESOURCE_CREATED: (HTTPStatus.CREATED, MessageKey.RESOURCE_CREATED),
    ErrorType.MALFORMED_REQUEST: (HTTPStatus.BAD_REQUEST, MessageKey.MALFORMED_REQUEST),
    ErrorType.UNAUTHORIZED: (HTTPStatus.UNAUTHORIZED, MessageKey.UNAUTHORIZED),
    ErrorType.FORBIDDEN: (HTTPStatus.FORBIDDEN, MessageKey.FORBIDDEN),
    ErrorType.NOT_FOUND: (HTTPStatus.NOT_FOUND, MessageKey.NOT_FOUND),
    ErrorType.METHOD_NOT_ALLOWED: (HTTPStatus.METHOD_NOT_ALLOWED, MessageKey.METHOD_NOT_ALLOWED),
    ErrorType.NOT_ACCEPTABLE: (HTTPStatus.NOT_ACCEPTABLE, MessageKey.NOT_ACCEPTABLE),
    ErrorType.CONFLICT: (HTTPStatus.CONFLICT, MessageKey.CONFLICT),
    ErrorType.PRECONDITION_FAILED: (HTTPStatus.PRECONDITION_FAILED, MessageKey.PRECONDITION_FAILED),
    ErrorType.PAYLOAD_TOO_LARGE: (
        HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
        MessageKey.PAYLOAD_TOO_LARGE,
    ),
    ErrorType.UNSUPPORTED_MEDIA_TYPE: (
        HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
        MessageKey.UNSUPPORTED_MEDIA_TYPE,
    ),
    ErrorType.VALIDATION_ERROR: (HTTPStatus.UNPROCESSABLE_ENTITY, MessageKey.VALIDATION_ERROR),
    ErrorType.RATE_LIMITED: (HTTPStatus.TOO_MANY_REQUESTS, MessageKey.RATE_LIMITED),
    ErrorType.INTERNAL_ERROR: (HTTPStatus.INTERNAL_SERVER_ERROR, MessageKey.INTERNAL_ERROR),
    ErrorType.SERVICE_UNAVAILABLE: (HTTPStatus.SERVICE_UNAVAILABLE, MessageKey.SERVICE_UNAVAILABLE),
}

# Starlette raises its own HTTPException for routing failures; this names each status it uses.
ERROR_TYPE_BY_STATUS: Mapping[int, ErrorType] = {
    error_type.status_code: error_type for error_type in ErrorType if error_type.status_code >= 400
}


class AppError(Exception):
    """A failure the client can be told about; `core.handlers` turns it into the envelope."""

    error_type: ErrorType = ErrorType.INTERNAL_ERROR
    # Headers every error of the class carries; the raiser's `headers` add to or override them.
    default_headers: ClassVar[Mapping[str, str]] = MappingProxyType({})

    def __init__(
        self,
        message: MessageKey | None = None,
        *,
        data: JsonValue = None,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, str | int] | None = None,
    ) -> None:
        self.message = message or self.error_type.message_key
        self.data = data
        self.headers = {**self.default_headers, **(headers or {})}
        self.params = dict(params or {})
        super().__init__(self.message)


class MalformedRequestError(AppError):
    """The request could not be parsed (for example, a body that is not JSON)."""

    error_type = ErrorType.MALFORMED_REQUEST


class AuthError(AppError):
    """Missing, invalid or revoked credentials."""

    error_type = ErrorType.UNAUTHORIZED
    # RFC 9110 §11.6.1: a 401 names the scheme the client should use.
    default_headers = MappingProxyType({"WWW-Authenticate": "Bearer"})


class ForbiddenError(AppError):
    """Authenticated, but not allowed to do this."""

    error_type = ErrorType.FORBIDDEN


class NotFoundError(AppError):
    """The addressed resource does not exist."""

    error_type = ErrorType.NOT_FOUND


class ConflictError(AppError):
    """The change contradicts existing state (a duplicate, a resource still in use)."""

    error_type = ErrorType.CONFLICT


class PreconditionFailedError(AppError):
    """`If-Match` named a version the resource no longer has: someone changed it meanwhile."""

    error_type = ErrorType.PRECONDITION_FAILED


class UnsupportedMediaTypeError(AppError):
    """The body's content type is not one the route reads."""

    error_type = ErrorType.UNSUPPORTED_MEDIA_TYPE


class ValidationError(AppError):
    """Input that parses but breaks a rule; `data` lists the problems as `{loc, msg, type}`."""

    error_type = ErrorType.VALIDATION_ERROR


class RateLimitedError(AppError):
    """Too many attempts; `Retry-After` says when to try again."""

    error_type = ErrorType.RATE_LIMITED

    def __init__(self, retry_after: int, message: MessageKey | None = None) -> None:
        super().__init__(message, headers={"Retry-After": str(max(1, retry_after))})


# What a 503 tells the client: a lost backend or a full pool is usually back within seconds.
UNAVAILABLE_RETRY_AFTER = {"Retry-After": "2"}


class ServiceUnavailableError(AppError):
    """A backend the request needs cannot be reached; the request changed nothing."""

    error_type = ErrorType.SERVICE_UNAVAILABLE
    # A raiser's `headers` may name a longer Retry-After (a full bcrypt queue).
    default_headers = UNAVAILABLE_RETRY_AFTER
