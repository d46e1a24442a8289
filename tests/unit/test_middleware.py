"""Request id, access log, security headers and CORS."""

import json
import logging
import socket

import httpx
import pytest
from pytest_socket import SocketBlockedError

from app.core.errors import ErrorType
from app.core.logging import JSONFormatter
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
    assert fields["status"] == 200
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
