"""Request id, access log, security headers and CORS."""

import json
import logging
import socket

import httpx
import pytest
from pytest_socket import SocketBlockedError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.envelope import scope_language
from app.core.errors import ErrorType
from app.core.logging import JSONFormatter
from app.core.middleware import RequestContextMiddleware, RequestGuardMiddleware
from app.main import create_app
from app.settings import AppSettings, CORSSettings, Environment, Settings
from tests.envelope import assert_envelope


async def test_safe_request_id_is_echoed(client: httpx.AsyncClient) -> None:
    response = await client.get("/health/live", headers={"X-Request-ID": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"


@pytest.mark.parametrize("offered", [b"a" * 65, b"bad id", b"<script>", "x\u00e9".encode(), b""])
async def test_unsafe_request_id_is_replaced(client: httpx.AsyncClient, offered: bytes) -> None:
    response = await client.get("/health/live", headers=[(b"X-Request-ID", offered)])
    generated = response.headers["x-request-id"]
    assert generated.encode() != offered
    assert len(generated) == 32
    assert generated.isalnum()


async def test_request_id_on_error_responses(client: httpx.AsyncClient) -> None:
    response = await client.get("/missing", headers={"X-Request-ID": "err-1"})
    assert_envelope(response, 404, ErrorType.NOT_FOUND)
    assert response.headers["x-request-id"] == "err-1"


async def test_one_access_log_line_without_query(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="app.access"):
        await client.get("/health/live?token=abc.def.ghi", headers={"X-Request-ID": "log-1"})
    records = [r for r in caplog.records if r.name == "app.access"]
    assert len(records) == 1
    fields = vars(records[0])
    assert fields["method"] == "GET"
    assert fields["path"] == "/health/live"
    assert fields["status"] == 422  # `token` is no parameter of this route
    assert fields["request_id"] == "log-1"
    assert fields["duration_ms"] >= 0
    line = JSONFormatter().format(records[0])
    assert json.loads(line)["request_id"] == "log-1"
    assert "abc.def.ghi" not in line


async def test_security_headers(client: httpx.AsyncClient) -> None:
    response = await client.get("/health/live")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "strict-transport-security" not in response.headers


async def test_hsts_over_https(client: httpx.AsyncClient) -> None:
    response = await client.get("https://testserver/health/live")
    assert response.headers["strict-transport-security"].startswith("max-age=")


async def test_cors_allows_only_listed_origins() -> None:
    settings = Settings(
        app=AppSettings(environment=Environment.TEST),
        cors=CORSSettings(origins=["https://ui.example"]),
    )
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        allowed = await client.get("/health/live", headers={"Origin": "https://ui.example"})
        other = await client.get("/health/live", headers={"Origin": "https://evil.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://ui.example"
    assert "access-control-allow-origin" not in other.headers


def test_cors_wildcard_with_credentials_is_refused() -> None:
    with pytest.raises(ValueError, match="CORS_ORIGINS"):
        CORSSettings(origins=["*"], allow_credentials=True)


def test_cors_origins_from_comma_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_ORIGINS", "https://a.example, https://b.example")
    assert CORSSettings().origins == ["https://a.example", "https://b.example"]


def test_unit_tier_cannot_open_network_sockets() -> None:
    # pytest-socket also emits a UserWarning naming the blocked call; the error is the point.
    with pytest.raises(SocketBlockedError), pytest.warns(UserWarning, match="socket"):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)


async def _drive(
    app: ASGIApp, headers: list[tuple[bytes, bytes]], body: bytes = b""
) -> list[Message]:
    """Run `app` on one request and return what it sent."""
    scope: Scope = {
        "type": "http",
        "method": "POST",
        "path": "/",
        "scheme": "http",
        "headers": headers,
        "query_string": b"",
    }
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent


async def test_request_id_wins_and_route_headers_are_kept() -> None:
    async def route(scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(b"x-request-id", b"from-route"), (b"x-frame-options", b"SAMEORIGIN")]
        await send({"type": "http.response.start", "status": 204, "headers": headers})
        await send({"type": "http.response.body", "body": b""})

    sent = await _drive(RequestContextMiddleware(route), [(b"x-request-id", b"from-client")])
    headers = sent[0]["headers"]
    assert [value for name, value in headers if name == b"x-request-id"] == [b"from-client"]
    # The route's own framing policy stands; the ones it did not set are added.
    assert [value for name, value in headers if name == b"x-frame-options"] == [b"SAMEORIGIN"]
    assert (b"x-content-type-options", b"nosniff") in headers
    assert (b"referrer-policy", b"no-referrer") in headers


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [(None, "en"), (b"ar-SA", "ar"), (b"en;q=0.2, hi;q=0.9", "hi"), (b"fr, *", "en")],
)
async def test_language_is_negotiated_once_for_the_request(
    accept_language: bytes | None, expected: str
) -> None:
    seen: list[str] = []

    async def route(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope["state"]["language"])
        seen.append(scope_language(scope))
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    headers = [] if accept_language is None else [(b"accept-language", accept_language)]
    await _drive(RequestContextMiddleware(route), headers)
    assert seen == [expected, expected]


async def test_a_crash_after_an_oversized_body_is_a_413_not_a_logged_500(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def route(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        raise AssertionError("unreachable: the body was too large")

    with caplog.at_level(logging.ERROR, logger="app.errors"):
        sent = await _drive(RequestGuardMiddleware(route, max_bytes=4), [], body=b"x" * 5)
    assert sent[0]["status"] == 413
    assert json.loads(sent[1]["body"])["error_type"] == ErrorType.PAYLOAD_TOO_LARGE
    assert not caplog.records


async def test_cors_headers_reach_the_guards_answers(settings: Settings) -> None:
    settings = settings.model_copy(update={"cors": CORSSettings(origins=["https://ui.example"])})
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.post(
            "/api/v1/auth/login",
            content=b"x" * (settings.app.max_body_bytes + 1),
            headers={"Origin": "https://ui.example", "content-type": "application/json"},
        )
    assert_envelope(response, 413, ErrorType.PAYLOAD_TOO_LARGE)
    assert response.headers["access-control-allow-origin"] == "https://ui.example"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert len(response.headers["x-request-id"]) == 32
