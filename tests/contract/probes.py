"""One hostile request and its checks: the building blocks of the hand-written contract tests.

Each probe sends through the target's one client, checks the response with the shared helper
(`tests.envelope.check_exchange`) plus what that kind of input must produce, and records it.
"""

import json
from collections.abc import Mapping
from typing import Annotated, Any
from urllib.parse import quote, unquote, urlsplit

from hypothesis import currently_in_test_context, note
from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from app.core.errors import ErrorType
from app.core.i18n import MessageKey, translate
from app.core.routing import FORM_TYPES
from app.resources import settings_of
from tests.contract.checks import exchange_of, holds_nul
from tests.contract.registry import registry_for
from tests.contract.routes import HttpRoute, RouteKey, matches_any_route
from tests.contract.target import ContractTarget
from tests.envelope import Exchange, check_exchange

# The host schemathesis' in-process client answers for.
BASE_URL = "http://testserver"


def send(
    target: ContractTarget,
    method: str,
    path: str,
    headers: Mapping[str, str] | None = None,
    body: bytes | Any = None,
) -> tuple[Exchange, str]:
    """Send one request; return the exchange and the path as the app received it."""
    if currently_in_test_context():
        # schemathesis blanks hypothesis' printing of failing examples; a note survives it.
        shown = body if isinstance(body, bytes | None) else "<streamed>"
        note(f"request: {method} {path!r} headers={dict(headers or {})!r} body={shown!r:.500}")
    # Absolute, so a path starting with `//` is a path, not a host (RFC 3986 §4.2).
    response = target.client.request(
        method, BASE_URL + path, headers=dict(headers or {}), data=body, allow_redirects=False
    )
    # urllib3 normalises dot segments and quoting: expectations follow what was really sent.
    received = unquote(urlsplit(response.request.url or "").path)
    return exchange_of(response), received


UNAUTHORIZED_MESSAGES = (
    MessageKey.UNAUTHORIZED,
    MessageKey.AUTH_TOKEN_MISSING,
    MessageKey.AUTH_TOKEN_INVALID,
    MessageKey.AUTH_SESSION_ENDED,
)


def expect_error(
    exchange: Exchange, body: dict[str, Any] | None, error_type: ErrorType, *keys: MessageKey
) -> None:
    """Assert an error envelope of `error_type` whose message is one of `keys` translated."""
    assert exchange.status == error_type.status_code, (
        f"{exchange.method} answered {exchange.status}, expected {error_type.status_code}: "
        f"{exchange.text[:300]}"
    )
    if body is None:  # HEAD: status and headers only
        return
    assert body["error_type"] == error_type.value
    expected = {translate(key, exchange.language) for key in (keys or (error_type.message_key,))}
    assert body["message"] in expected, f"{body['message']!r} not in {expected}"


def _record(target: ContractTarget, key: RouteKey | None, probe: str) -> None:
    registry_for(target.app).record(key, f"probe:{probe}")


def probe_unknown_path(
    target: ContractTarget, method: str, path: str, headers: Mapping[str, str]
) -> None:
    """A path no route serves must get the 404 envelope (any other path: still the envelope)."""
    exchange, received = send(target, method, path, headers)
    body = check_exchange(exchange)
    if not matches_any_route(target.app, received):
        expect_error(exchange, body, ErrorType.NOT_FOUND, MessageKey.ROUTE_NOT_FOUND)
    _record(target, None, "unknown-path")


def probe_wrong_method(
    target: ContractTarget,
    path: str,
    method: str,
    allowed: frozenset[str],
    concrete: str,
    accept_language: str = "",
) -> None:
    """A method the path does not allow must get 405 with `Allow` naming exactly what it does."""
    headers = {"Accept-Language": accept_language} if accept_language else {}
    exchange, _ = send(target, method, concrete, headers)
    body = check_exchange(exchange)
    expect_error(exchange, body, ErrorType.METHOD_NOT_ALLOWED)
    advertised = {part.strip().upper() for part in exchange.headers["allow"].split(",")}
    assert advertised == set(allowed), f"Allow {advertised} for {path}, routes take {allowed}"
    _record(target, None, "wrong-method")


def _media_type(content_type: str) -> str:
    return content_type.split(";")[0].strip().lower()


def _is_json_media_type(media_type: str) -> bool:
    # RFC 8259 and RFC 6839 structured syntax suffix.
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


def _parses_as_json(body: bytes) -> bool:
    try:
        # Lone surrogates are not Unicode text (RFC 8259 §8.2); the app refuses them too.
        json.dumps(json.loads(body), ensure_ascii=False).encode()
    except (ValueError, UnicodeError, RecursionError):
        return False
    return True


def probe_body(
    target: ContractTarget,
    route: HttpRoute,
    method: str,
    content_type: str,
    body: bytes,
    headers: Mapping[str, str],
    secured: bool = False,
) -> None:
    """Any body under any content type: refused in the envelope when the route reads JSON."""
    sent = {**headers, **({"Content-Type": content_type} if content_type else {})}
    exchange, _ = send(target, method, concrete_path(route), sent, body)
    envelope = check_exchange(exchange)
    if secured and exchange.status == 401:
        # These headers carry no valid token: a body the parser accepts (an empty one, say)
        # reaches the auth dependency before validation, and 401 is as right as 422 there.
        expect_error(exchange, envelope, ErrorType.UNAUTHORIZED, *UNAUTHORIZED_MESSAGES)
    elif route.reads_body and not route.path_params:
        media_type = _media_type(content_type)
        if len(body) > settings_of(target.app).app.max_body_bytes:
            expect_error(exchange, envelope, ErrorType.PAYLOAD_TOO_LARGE)
        elif not body:
            expect_error(exchange, envelope, ErrorType.VALIDATION_ERROR)
        elif not media_type:
            # Without a content type FastAPI hands the raw bytes to validation (strict mode);
            # what that yields is the route's business, so only the envelope is checked.
            pass
        elif route.reads_form:
            # A form route refuses anything but a form; a form's fields are its business.
            if media_type not in FORM_TYPES:
                expect_error(exchange, envelope, ErrorType.UNSUPPORTED_MEDIA_TYPE)
        elif not _is_json_media_type(media_type):
            expect_error(exchange, envelope, ErrorType.UNSUPPORTED_MEDIA_TYPE)
        elif not _parses_as_json(body):
            expect_error(
                exchange,
                envelope,
                ErrorType.MALFORMED_REQUEST,
                MessageKey.MALFORMED_JSON,
                MessageKey.MALFORMED_REQUEST,
            )
        elif holds_nul(json.loads(body)):
            # PostgreSQL cannot store NUL: refused before anything reads the body.
            expect_error(exchange, envelope, ErrorType.VALIDATION_ERROR, MessageKey.NUL_CHARACTER)
    _record(target, (method, route.path), "body")


def probe_oversized(
    target: ContractTarget, route: HttpRoute | None, method: str, size: int, streamed: bool
) -> None:
    """A body over the limit gets 413 when declared, or when a route reading it streams it in."""
    payload = b"x" * size
    # A generator makes requests stream the body chunked, without Content-Length.
    body: Any = (payload[index : index + 1024] for index in range(0, size, 1024))
    path = concrete_path(route) if route is not None else "/no/such/route"
    exchange, _ = send(
        target, method, path, {"Content-Type": "application/json"}, body if streamed else payload
    )
    envelope = check_exchange(exchange)
    if not streamed or (route is not None and route.reads_body and not route.path_params):
        expect_error(exchange, envelope, ErrorType.PAYLOAD_TOO_LARGE)
    _record(target, (method, route.path) if route else None, "oversized")


def probe_headers(
    target: ContractTarget,
    route: HttpRoute,
    method: str,
    headers: Mapping[str, str],
    secured: bool = False,
) -> None:
    """Hostile headers keep the envelope (language, request id); no such token opens a door."""
    exchange, _ = send(target, method, concrete_path(route), headers)
    body = check_exchange(exchange)
    if secured:
        # Garbage, forged, expired or other-realm credentials, or none: always 401, with the
        # message saying which (missing, invalid, session ended).
        expect_error(exchange, body, ErrorType.UNAUTHORIZED, *UNAUTHORIZED_MESSAGES)
    _record(target, (method, route.path), "headers")


def _accepts(field: Any, value: str) -> bool:
    # The same lax validation FastAPI applies to a path parameter's string.
    info = field.field_info
    annotated: Any = (
        Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
    )
    adapter: TypeAdapter[Any] = TypeAdapter(annotated)
    try:
        adapter.validate_python(value)
    except PydanticValidationError:
        return False
    return True


def concrete_path(route: HttpRoute, values: Mapping[str, str] | None = None) -> str:
    """The route's path with each parameter filled in (percent-encoded), "1" by default."""
    path = route.path
    for name in route.path_params:
        path = path.replace("{" + name + "}", quote((values or {}).get(name, "1"), safe=""))
    return path


def probe_path_params(
    target: ContractTarget, route: HttpRoute, method: str, values: Mapping[str, str]
) -> None:
    """Path parameter values of every type: a value its type refuses can never succeed."""
    exchange, _ = send(target, method, concrete_path(route, values))
    body = check_exchange(exchange)
    if any("\x00" in value for value in values.values()) and exchange.status not in (404, 405):
        # The route matched (a `/` in a value may make it another path): NUL is refused
        # before anything reads it, the type check and the auth dependency included.
        expect_error(exchange, body, ErrorType.VALIDATION_ERROR, MessageKey.NUL_CHARACTER)
    fields = {field.name: field for field in route.path_fields}
    invalid = [name for name, value in values.items() if not _accepts(fields[name], value)]
    if invalid:
        # 404 (no route matched), 422 (validation), or 401/403 when auth is checked first.
        assert 400 <= exchange.status < 500, (
            f"{invalid} invalid, yet {exchange.status}: {exchange.text[:300]}"
        )
    _record(target, (method, route.path), "path-params")
