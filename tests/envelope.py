"""The envelope assertions every tier shares, for REST bodies and GraphQL `errors[].extensions`."""

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import httpx

from app.core.errors import ErrorType
from app.core.i18n import MessageKey, negotiate, translate

ENVELOPE_KEYS = frozenset({"status", "error_type", "message", "status_code", "data"})
# The request-id middleware trusts only ids like these; anything else must have been replaced.
SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")

# What a client must never see: each pattern names a kind of internal detail.
LEAK_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("traceback", re.compile(r"Traceback \(most recent call last\)|File \"[^\"]*\", line \d+")),
    (
        "SQL",
        re.compile(
            r"\bSELECT\b[^.;]{0,200}\bFROM\b|\bINSERT\s+INTO\b|\bUPDATE\s+\S+\s+SET\b"
            r"|\bDELETE\s+FROM\b|\b(?:CREATE|DROP|ALTER)\s+TABLE\b|\bSQLSTATE\b"
            r"|\b(?:sqlalchemy|asyncpg|aiomysql|aiosqlite|sqlite3|psycopg2?|pymongo)\b",
            re.IGNORECASE,
        ),
    ),
    ("file path", re.compile(r"(?:[A-Za-z]:\\|/)(?:[\w.-]+[\\/])+[\w.-]+\.py\b|site-packages")),
    (
        "exception class name",
        re.compile(
            r"\b[A-Z][A-Za-z0-9]*(?:Error|Exception|Warning)\b"
            r"|\b(?:StopIteration|KeyboardInterrupt|SystemExit|CancelledError)\b"
        ),
    ),
)

# A status whose response must name a header (RFC 9110 §15.5.6, §11.6.1; RFC 6585 §4).
REQUIRED_HEADERS: Mapping[int, str] = {405: "allow", 401: "www-authenticate", 429: "retry-after"}


@dataclass(frozen=True)
class Exchange:
    """One request and its answer, reduced to what the envelope contract speaks about."""

    method: str
    status: int
    headers: Mapping[str, str]
    text: str
    accept_language: str | None = None
    sent_request_id: str | None = None

    @classmethod
    def of_httpx(cls, response: httpx.Response) -> "Exchange":
        """The exchange behind an httpx response (the unit tier's client)."""
        return cls(
            method=response.request.method,
            status=response.status_code,
            headers={name.lower(): value for name, value in response.headers.items()},
            text=response.text,
            accept_language=response.request.headers.get("accept-language"),
            sent_request_id=response.request.headers.get("x-request-id"),
        )

    @property
    def language(self) -> str:
        """The language the app should have answered in, negotiated like the app does."""
        return negotiate(self.accept_language)


@cache
def _catalog_patterns(language: str) -> tuple[re.Pattern[str], ...]:
    # Messages with `{param}` placeholders match any filled-in value.
    patterns = []
    for key in MessageKey:
        parts = re.split(r"\{\w+\}", translate(key, language))
        patterns.append(re.compile("^" + ".+".join(re.escape(part) for part in parts) + "$"))
    return tuple(patterns)


def is_catalog_message(message: str, language: str) -> bool:
    """Whether `message` is one of the catalog's texts in `language`."""
    return any(pattern.match(message) for pattern in _catalog_patterns(language))


def _strings(value: Any) -> Iterator[str]:
    # Validation issues echo the client's own keys in `loc`; those are not internals.
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "loc" and {"loc", "msg", "type"} <= set(value):
                continue
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


def check_no_internals(body: Mapping[str, Any]) -> None:
    """Assert no traceback, SQL, file path or exception class name is in an envelope."""
    # A success payload is the client's own data, so only failures are scanned in full.
    scanned = body if body.get("status") == -1 else {"message": body.get("message")}
    for text in _strings(scanned):
        for kind, pattern in LEAK_PATTERNS:
            found = pattern.search(text)
            assert found is None, f"{kind} leaked into the response: {found.group(0)!r}"


def check_envelope(body: Any, http_status: int, language: str | None = None) -> None:
    """Assert `body` is a well-formed envelope for `http_status`, in `language` when given."""
    assert isinstance(body, dict), f"not a JSON object: {body!r}"
    assert set(body) == ENVELOPE_KEYS, f"keys {sorted(body)}"
    assert body["status_code"] == http_status, f"status_code {body['status_code']} != {http_status}"
    assert body["status"] == (1 if http_status < 400 else -1), f"status {body['status']!r}"
    assert body["error_type"] in ErrorType.__members__.values(), (
        f"error_type {body['error_type']!r}"
    )
    error_type = ErrorType(body["error_type"])
    assert error_type.status_code == http_status, f"{error_type} is never sent with {http_status}"
    assert isinstance(body["message"], str), f"message {body['message']!r}"
    assert body["message"].strip(), "empty message"
    if language is not None:
        assert is_catalog_message(body["message"], language), (
            f"message {body['message']!r} is not a {language!r} catalog text"
        )
    check_no_internals(body)


def check_transport(exchange: Exchange, *, allow_server_error: bool = False) -> Any:
    """Assert the transport promises (request id, no 5xx, required headers); return the JSON."""
    request_id = exchange.headers.get("x-request-id")
    assert request_id, "no X-Request-ID on the response"
    assert SAFE_REQUEST_ID.match(request_id), f"unsafe X-Request-ID echoed: {request_id!r}"
    sent = exchange.sent_request_id
    if sent is not None and SAFE_REQUEST_ID.match(sent):
        assert request_id == sent, f"safe X-Request-ID {sent!r} was not kept"
    if not allow_server_error:
        assert exchange.status < 500, f"{exchange.status} for client input: {exchange.text[:300]}"
    required = REQUIRED_HEADERS.get(exchange.status)
    if required is not None:
        assert exchange.headers.get(required), f"{exchange.status} without {required}"
    if exchange.method.upper() == "HEAD":
        # A HEAD response has no body by definition, so only status and headers can be checked.
        assert exchange.text == "", "HEAD response with a body"
        return None
    content_type = exchange.headers.get("content-type", "")
    assert content_type.startswith("application/json"), f"content-type {content_type!r}"
    try:
        body = json.loads(exchange.text)
    except ValueError as exc:
        raise AssertionError(f"body is not JSON: {exchange.text[:300]!r}") from exc
    return body


def check_exchange(
    exchange: Exchange, *, allow_server_error: bool = False
) -> dict[str, Any] | None:
    """Assert one response keeps the whole contract; return its envelope (None for HEAD)."""
    body = check_transport(exchange, allow_server_error=allow_server_error)
    if body is None:
        return None
    check_envelope(body, exchange.status, exchange.language)
    checked: dict[str, Any] = body
    return checked


def assert_envelope(
    response: httpx.Response, status: int, error_type: ErrorType | None = None
) -> dict[str, Any]:
    """Assert the response keeps the envelope with this status (and type); return the body."""
    assert response.status_code == status, response.text
    # A test that expects a 5xx says so by its `status`; nothing else may answer one.
    body = check_exchange(Exchange.of_httpx(response), allow_server_error=status >= 500)
    assert body is not None, "HEAD responses carry no envelope"
    if error_type is not None:
        assert body["error_type"] == error_type.value
    return body


def check_graphql_errors(payload: Any, language: str) -> None:
    """Assert every `errors[]` entry of a GraphQL response carries the envelope in `extensions`."""
    assert isinstance(payload, dict), f"not a JSON object: {payload!r}"
    errors = payload.get("errors")
    assert isinstance(errors, list), f"no errors list: {payload!r}"
    assert errors, "empty errors list"
    for error in errors:
        assert isinstance(error, dict), f"error entry {error!r}"
        extensions = error.get("extensions")
        assert isinstance(extensions, dict), f"error without extensions: {error!r}"
        # Inside a GraphQL answer the HTTP status is the transport's; the entry's own code rules.
        check_envelope(extensions, extensions.get("status_code", -1), language)
        assert extensions["status"] == -1, "a GraphQL error entry reports success"


def check_graphql_exchange(exchange: Exchange) -> dict[str, Any]:
    """Assert a `/graphql` answer keeps the contract; return its body.

    GraphQL-over-HTTP: an executed request is a 200 with `data` and maybe `errors[]`; a
    request-level failure is `{"errors": [...]}` under its own status; what the app refuses
    before GraphQL sees the request (413, an unknown method's 405) is the plain envelope.
    """
    body = check_transport(exchange)
    assert isinstance(body, dict), f"not a JSON object: {body!r}"
    if set(body) == ENVELOPE_KEYS:
        check_envelope(body, exchange.status, exchange.language)
        return body
    assert set(body) <= {"data", "errors", "extensions"}, f"GraphQL keys {sorted(body)}"
    if exchange.status != 200:
        assert "data" not in body, f"{exchange.status} with data: {exchange.text[:300]}"
        check_graphql_errors(body, exchange.language)
        codes = {error["extensions"]["status_code"] for error in body["errors"]}
        assert codes == {exchange.status}, f"HTTP {exchange.status}, entries say {codes}"
    elif "data" not in body:
        # A document that did not parse or validate: a 200 (the `application/json` rule)
        # whose errors are request errors, about the document and never about a field.
        check_graphql_errors(body, exchange.language)
        paths = [error["path"] for error in body["errors"] if "path" in error]
        assert not paths, f"a request error names a field path: {paths}"
    elif body.get("errors") is not None:
        check_graphql_errors(body, exchange.language)
    for error in body.get("errors") or ():
        code = error["extensions"]["status_code"]
        # 503 is an honest "backend down"; any other 5xx is the server failing client input.
        assert code < 500 or code == 503, f"GraphQL entry with {code} for client input: {error}"
    return body
