"""Turns every exception into the envelope: the only place errors become responses."""

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import fastapi.routing
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import JsonValue
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from app.core.conditional import NotModified
from app.core.envelope import ValidationIssue, failure, request_language
from app.core.errors import ERROR_TYPE_BY_STATUS, UNAVAILABLE_RETRY_AFTER, AppError, ErrorType
from app.core.i18n import MessageKey
from app.core.i18n.issues import RuleViolationError, issue_params
from app.core.idempotency import Replay, replay_response

logger = logging.getLogger("app.errors")

# Pydantic error types that mean "the body is not JSON at all" rather than "wrong JSON".
_UNPARSABLE_BODY = frozenset({"json_invalid"})


def envelope_response(
    error_type: ErrorType,
    language: str,
    message: MessageKey | None = None,
    data: JsonValue = None,
    headers: Mapping[str, str] | None = None,
    params: Mapping[str, str | int] | None = None,
) -> JSONResponse:
    """A JSON response carrying the error envelope with the matching HTTP status."""
    body = failure(error_type, language, message, data, params)
    return JSONResponse(body.model_dump(mode="json"), error_type.status_code, dict(headers or {}))


# A 422 lists at most this many problems: a 1 MB body of 90k unknown keys once made an
# 8 MB answer. The first ones are enough to fix a request; the rest would come back next.
MAX_VALIDATION_PROBLEMS = 50


def validation_issues(errors: Sequence[Any]) -> list[JsonValue]:
    """`{loc, msg, type}` for the first problems; `input` is dropped (no echo).

    `msg` is left for `failure()` to take from the catalog in the response's language; the
    rule's public limits ride along as `ctx`, which `failure()` uses and removes.
    """
    return [_issue_of(error) for error in errors[:MAX_VALIDATION_PROBLEMS]]


def _issue_of(error: Any) -> JsonValue:
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    violation = ctx.get("error")
    params: dict[str, str | int]
    if isinstance(violation, RuleViolationError):
        # A validator's own rule (a password's length...): its type and limits, not "value_error".
        kind, params = violation.kind, dict(violation.params)
    else:
        params = issue_params(ctx)
    issue: dict[str, JsonValue] = ValidationIssue(
        loc=[part if isinstance(part, int) else str(part) for part in error.get("loc", ())],
        msg="",
        type=kind,
    ).model_dump()
    if params:
        issue["ctx"] = dict(params)
    return issue


async def app_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """The app's own errors carry their type, message key and details."""
    assert isinstance(exc, AppError)  # noqa: S101 - registered for AppError only
    return envelope_response(
        exc.error_type, request_language(request), exc.message, exc.data, exc.headers, exc.params
    )


async def request_validation_handler(request: Request, exc: Exception) -> JSONResponse:
    """422 with the list of problems, or 400 when the body is not JSON at all."""
    assert isinstance(exc, RequestValidationError)  # noqa: S101 - registered for it only
    errors = exc.errors()
    language = request_language(request)
    if any(error.get("type") in _UNPARSABLE_BODY for error in errors):
        return envelope_response(ErrorType.MALFORMED_REQUEST, language, MessageKey.MALFORMED_JSON)
    return envelope_response(ErrorType.VALIDATION_ERROR, language, data=validation_issues(errors))


async def http_exception_handler(request: Request, exc: Exception) -> JSONResponse:
    """Starlette's routing errors (404, 405 with `Allow`, ...) keep their status and headers."""
    assert isinstance(exc, StarletteHTTPException)  # noqa: S101 - registered for it only
    error_type = ERROR_TYPE_BY_STATUS.get(exc.status_code)
    if error_type is None:
        error_type = (
            ErrorType.MALFORMED_REQUEST if exc.status_code < 500 else ErrorType.INTERNAL_ERROR
        )
    # A 404 from the router means the path matched no route; say so rather than "not found".
    message = MessageKey.ROUTE_NOT_FOUND if exc.status_code == 404 else None
    headers = dict(exc.headers or {})
    if exc.status_code == 405 and (methods := allowed_methods(request)):
        headers["Allow"] = ", ".join(methods)
    return envelope_response(error_type, request_language(request), message, headers=headers)


def allowed_methods(request: Request) -> list[str]:
    """Every method some route takes on the request's path (RFC 9110 §15.5.6 `Allow`)."""
    # Starlette's 405 names the methods of the first route whose path matched; a path served
    # by several routes (GET and POST on one collection) must list them all. FastAPI >= 0.16x
    # keeps included routers as branches, which `iter_route_contexts` walks.
    iterate = getattr(fastapi.routing, "iter_route_contexts", None)
    routes: Iterable[Any] = request.app.routes if iterate is None else iterate(request.app.routes)
    methods: set[str] = set()
    for route in routes:
        if route.matches(request.scope)[0] is Match.PARTIAL:
            methods.update(getattr(route, "methods", None) or ())
    return sorted(methods)


async def not_modified_handler(request: Request, exc: Exception) -> Response:
    """304 with no body (RFC 9110 §15.4.5): the tag and caching headers a 200 would carry."""
    assert isinstance(exc, NotModified)  # noqa: S101 - registered for it only
    headers = {"ETag": exc.etag, "Cache-Control": exc.cache_control, "Vary": "Accept-Language"}
    return Response(status_code=304, headers=headers)


async def replay_handler(request: Request, exc: Exception) -> Response:
    """A retried `Idempotency-Key` request: the first answer, again."""
    assert isinstance(exc, Replay)  # noqa: S101 - registered for it only
    return replay_response(exc, request_language(request))


def install_exception_handlers(app: FastAPI) -> None:
    """Register the handlers; crashes are caught by `UnhandledErrorMiddleware`, not here."""
    app.add_exception_handler(AppError, app_error_handler)
    app.add_exception_handler(NotModified, not_modified_handler)
    app.add_exception_handler(Replay, replay_handler)
    app.add_exception_handler(RequestValidationError, request_validation_handler)
    app.add_exception_handler(StarletteHTTPException, http_exception_handler)


def install_unavailable_handler(
    app: FastAPI,
    errors: tuple[type[Exception], ...],
    is_unavailable: Callable[[BaseException], bool],
) -> None:
    """Answer 503 for driver `errors` that `is_unavailable` classifies as a lost backend.

    Repositories already raise `ServiceUnavailableError`; this catches the same failures
    anywhere else (a commit, a Redis call in a dependency). Other driver errors stay 500s.
    """

    async def unavailable_handler(request: Request, exc: Exception) -> JSONResponse:
        if not is_unavailable(exc):
            raise exc
        logger.warning("backend unavailable: %s", type(exc).__name__)
        return envelope_response(
            ErrorType.SERVICE_UNAVAILABLE,
            request_language(request),
            headers=UNAVAILABLE_RETRY_AFTER,
        )

    for error in errors:
        app.add_exception_handler(error, unavailable_handler)
