"""Pure ASGI middleware, two layers with CORS (when configured) between them.

- `RequestContextMiddleware` (outermost): request id, negotiated language, security
  headers and the JSON access log line.
- `RequestGuardMiddleware` (closest to the routes): the body size limit (413) and the crash
  net (500 envelope, no internals).

Admission control (`app/core/admission.py`) sits just outside the guard, inside CORS, so a
shed request's 503 carries the request id, the language and the CORS headers.

Each layer costs a call and a wrapped `send` per request, so concerns that wrap the same
points share a layer; CORS must sit between the two so its headers reach 413s and 500s.
"""

import logging
import os
import re
import time
from collections.abc import Iterable

from opentelemetry import trace
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.caching import cache_headers
from app.core.envelope import LANGUAGE_STATE_KEY, scope_language
from app.core.errors import ErrorType
from app.core.handlers import envelope_response
from app.core.i18n import negotiate
from app.core.metrics import UNMATCHED_ROUTE, observe_request

access_logger = logging.getLogger("app.access")
error_logger = logging.getLogger("app.errors")

REQUEST_ID_HEADER = "X-Request-ID"
# Echoed into logs and headers, so only short ids of inert characters are trusted.
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
# ASGI header names arrive lower-cased; these are the ones read on every request.
_REQUEST_ID = b"x-request-id"
_ACCEPT_LANGUAGE = b"accept-language"
_CONTENT_LENGTH = b"content-length"
_AUTHORIZATION = b"authorization"
# Set only where the response has not set them itself.
_SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
)
_HSTS = (b"strict-transport-security", b"max-age=63072000")


def request_id_of(scope: Scope) -> str:
    """The request id `RequestContextMiddleware` stored for this request."""
    return str(scope.get("state", {}).get("request_id", "-"))


def current_trace_id() -> str | None:
    """The trace id of the current span as 32 hex digits, or None outside a trace."""
    context = trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else None


def _header(scope: Scope, name: bytes) -> str | None:
    # The first occurrence, decoded as Starlette's `Headers` decodes it.
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _response_headers(
    headers: Iterable[tuple[bytes, bytes]], request_id: bytes, https: bool
) -> list[tuple[bytes, bytes]]:
    # The request id replaces any the app set; the security headers only fill gaps.
    decorated = list(headers)
    present = {key.lower() for key, _ in decorated}
    if _REQUEST_ID in present:
        decorated = [(key, value) for key, value in decorated if key.lower() != _REQUEST_ID]
    decorated.append((_REQUEST_ID, request_id))
    for pair in _SECURITY_HEADERS:
        if pair[0] not in present:
            decorated.append(pair)
    if https and _HSTS[0] not in present:
        decorated.append(_HSTS)
    return decorated


class RequestContextMiddleware:
    """Request id (echoed), language, caching and security headers, and one log line.

    With `metrics`, each request is also counted under its route template; with `trace_ids`
    (tracing on), the log line carries the trace id. Both are decided once, at startup.
    """

    def __init__(self, app: ASGIApp, *, metrics: bool = False, trace_ids: bool = False) -> None:
        self.app = app
        self.metrics = metrics
        self.trace_ids = trace_ids

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one ASGI connection."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        offered = accept_language = None
        authorized = False
        for key, value in scope["headers"]:
            if key == _REQUEST_ID and offered is None:
                offered = value.decode("latin-1")
            elif key == _ACCEPT_LANGUAGE and accept_language is None:
                accept_language = value.decode("latin-1")
            elif key == _AUTHORIZATION:
                authorized = True
        if offered is None or not _SAFE_REQUEST_ID.match(offered):
            # 128 random bits as hex (what `secrets.token_hex` does, two calls cheaper).
            offered = os.urandom(16).hex()
        request_id = offered
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        # Negotiated once here (and cached per header value): routes, error handlers, the
        # crash net and GraphQL all read it from the scope.
        state[LANGUAGE_STATE_KEY] = language = negotiate(accept_language)
        raw_request_id = request_id.encode("latin-1")
        https = scope.get("scheme") == "https"
        started = time.perf_counter()
        status = 500

        async def send_with_context(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = _response_headers(
                    cache_headers(message.get("headers", ()), language, authorized),
                    raw_request_id,
                    https,
                )
            await send(message)

        try:
            await self.app(scope, receive, send_with_context)
        finally:
            elapsed = time.perf_counter() - started
            if self.metrics:
                # The router leaves the matched route in the scope: its template, never the path.
                route = getattr(scope.get("route"), "path_format", UNMATCHED_ROUTE)
                observe_request(scope["method"], route, status, elapsed)
            if access_logger.isEnabledFor(logging.INFO):
                # The path only: query strings may carry tokens, and bodies are never logged.
                extra = {
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 2),
                    "request_id": request_id,
                }
                if self.trace_ids:
                    extra["trace_id"] = current_trace_id() or "-"
                access_logger.info("%s %s %d", scope["method"], scope["path"], status, extra=extra)


class RequestGuardMiddleware:
    """Answers 413 once a body passes `max_bytes`, and a 500 envelope for any crash.

    The body limit answers before the body is read whole. The crash net sits inside
    Starlette's `ServerErrorMiddleware`, so `debug=True` cannot swap the envelope for a
    traceback page; the exception is logged with the request id.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one ASGI connection."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _header(scope, _CONTENT_LENGTH)
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._too_large(scope, receive, send)
            return

        received = 0
        exceeded = False
        started = False  # a response start reached the server

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    exceeded = True
                    # Stop the app reading on; whatever it answers is replaced below.
                    raise _BodyTooLargeError
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception as exc:
            # An oversized body is the client's doing, not a crash: it gets the 413 below.
            if not isinstance(exc, _BodyTooLargeError):
                trace_id = current_trace_id() or "-"
                error_logger.exception(
                    "unhandled %s request_id=%s trace_id=%s",
                    type(exc).__name__,
                    request_id_of(scope),
                    trace_id,
                    extra={"request_id": request_id_of(scope), "trace_id": trace_id},
                )
                if started:
                    raise  # Too late for an envelope; the server closes the connection.
                if not exceeded:
                    response = envelope_response(ErrorType.INTERNAL_ERROR, scope_language(scope))
                    await response(scope, receive, send)
                    return
        if exceeded and not started:
            await self._too_large(scope, receive, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = envelope_response(
            ErrorType.PAYLOAD_TOO_LARGE, scope_language(scope), headers={"Connection": "close"}
        )
        await response(scope, receive, send)


class _BodyTooLargeError(Exception):
    """Raised into the app when the streamed body passes the limit."""
