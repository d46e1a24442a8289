"""TRUSTED_PROXIES: forwarded headers are believed only from listed proxies."""

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI, Request
from pydantic import ValidationError

from app.main import create_app
from app.settings import ServerSettings, Settings


def _app(settings: Settings, proxies: list[str]) -> FastAPI:
    app = create_app(
        settings.model_copy(update={"server": ServerSettings(trusted_proxies=proxies)})
    )

    # Added by the test: what every route sees as the caller's address and scheme.
    @app.get("/_client", include_in_schema=False)
    async def client_address(request: Request) -> dict[str, str]:
        return {
            "host": request.client.host if request.client else "",
            "scheme": request.url.scheme,
        }

    return app


async def _seen(app: FastAPI, peer: str, headers: dict[str, str]) -> dict[str, str]:
    transport = httpx.ASGITransport(app=app, client=(peer, 51000))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/_client", headers=headers)
    assert response.status_code == 200
    seen: dict[str, str] = response.json()
    return seen


SPOOF = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}


async def test_default_trusts_nobody_not_even_loopback(settings: Settings) -> None:
    seen = await _seen(_app(settings, []), "127.0.0.1", SPOOF)
    assert seen == {"host": "127.0.0.1", "scheme": "http"}


async def test_untrusted_peer_cannot_spoof_its_address(settings: Settings) -> None:
    seen = await _seen(_app(settings, ["10.0.0.0/8"]), "198.51.100.7", SPOOF)
    assert seen == {"host": "198.51.100.7", "scheme": "http"}


@pytest.mark.parametrize("proxies", [["10.0.0.5"], ["10.0.0.0/8"], ["192.0.2.1", "10.0.0.0/24"]])
async def test_trusted_proxy_names_the_client(settings: Settings, proxies: list[str]) -> None:
    seen = await _seen(_app(settings, proxies), "10.0.0.5", SPOOF)
    assert seen == {"host": "203.0.113.9", "scheme": "https"}


async def test_chain_resolves_to_the_first_untrusted_hop(settings: Settings) -> None:
    # A client-written X-Forwarded-For entry comes before the one the trusted proxies append:
    # the rightmost address no trusted proxy vouches for is the client.
    headers = {"X-Forwarded-For": "1.2.3.4, 203.0.113.9, 10.0.0.7"}
    seen = await _seen(_app(settings, ["10.0.0.0/8"]), "10.0.0.5", headers)
    assert seen["host"] == "203.0.113.9"


async def _login_statuses(
    settings: Settings, proxies: list[str], peer: str, forwarded_for: list[str]
) -> list[int]:
    # Per-address budget of 2 failures; a fresh username each time keeps that budget apart.
    auth = settings.auth.model_copy(update={"login_rate_limit_per_address": "2/minute"})
    app = _app(settings.model_copy(update={"auth": auth}), proxies)
    statuses = []
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app, client=(peer, 5000))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            for number, address in enumerate(forwarded_for):
                response = await client.post(
                    "/api/v1/auth/login",
                    json={"username": f"nobody{number}", "password": "wrong password here"},
                    headers={"X-Forwarded-For": address},
                )
                statuses.append(response.status_code)
    return statuses


async def test_limiter_counts_each_forwarded_client_behind_a_trusted_proxy(
    settings: Settings,
) -> None:
    addresses = ["203.0.113.1", "203.0.113.1", "203.0.113.1", "203.0.113.2"]
    statuses = await _login_statuses(settings, ["127.0.0.1"], "127.0.0.1", addresses)
    # The third failure from .1 is limited; .2 behind the same proxy has its own budget.
    assert statuses == [401, 401, 429, 401]


async def test_rotating_the_header_does_not_escape_the_limiter(settings: Settings) -> None:
    addresses = ["203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"]
    statuses = await _login_statuses(settings, [], "198.51.100.7", addresses)
    assert statuses == [401, 401, 429, 429]


@pytest.mark.parametrize("entry", ["localhost", "10.0.0.0/33", "*", "10.0.0.1;10.0.0.2"])
def test_bad_entries_are_refused_at_startup(entry: str) -> None:
    with pytest.raises(ValidationError, match="TRUSTED_PROXIES"):
        ServerSettings(trusted_proxies=entry)


def test_empty_items_are_dropped() -> None:
    assert ServerSettings(trusted_proxies="10.0.0.1, ,").trusted_proxies == ["10.0.0.1"]


def test_trusted_proxies_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.1")
    assert ServerSettings().trusted_proxies == ["10.0.0.0/8", "192.0.2.1"]
