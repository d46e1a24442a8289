"""Prometheus metrics at /metrics: who may read them, and what they count."""

import asyncio
import threading
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.ext.asyncio import create_async_engine

from app.api.metrics.router import is_allowed
from app.core.errors import ErrorType
from app.core.metrics import UNMATCHED_ROUTE
from app.core.security.passwords import PasswordHasher
from app.database.sql_pool import sql_pool
from app.resources import resources_of
from app.settings import MetricsSettings, Settings
from tests.behaviour.accounts import Accounts
from tests.envelope import assert_envelope

# One failed login per username per minute: the limiter test's second attempt is refused.
pytestmark = pytest.mark.auth_settings(login_rate_limit_per_username="1/minute")


def sample(name: str, **labels: str) -> float:
    """A metric's current value in this process (0 when it has no such series yet)."""
    return REGISTRY.get_sample_value(name, labels) or 0.0


def scrape(text: str) -> dict[str, list[tuple[dict[str, str], float]]]:
    """The exposition parsed: each sample name with its labelled values."""
    found: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(text):
        for item in family.samples:
            found.setdefault(item.name, []).append((item.labels, item.value))
    return found


async def test_metrics_count_requests_by_route_template(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    await client.get("/api/v1/categories/no-such-slug-4242")
    await client.get("/no/such/path/777")
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    series = scrape(response.text)["http_requests_total"]
    routes = {labels["route"] for labels, _ in series}
    assert "/api/v1/categories/{slug}" in routes
    assert UNMATCHED_ROUTE in routes
    # Never the raw path: ids in paths would make a series per id.
    assert not any("4242" in route or "777" in route for route in routes)
    assert {"method": "GET", "route": "/api/v1/categories/{slug}", "status_class": "4xx"} in [
        labels for labels, _ in series
    ]
    assert "http_request_duration_seconds_bucket" in scrape(response.text)


async def test_metrics_are_refused_outside_the_allowed_networks(app: FastAPI) -> None:
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app, client=("203.0.113.9", 4000))
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as outsider:
            response = await outsider.get("/metrics")
    # The same answer as a path that does not exist.
    assert_envelope(response, 404, ErrorType.NOT_FOUND)
    assert "http_requests_total" not in response.text


async def test_metrics_are_not_in_the_openapi_document(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert "/metrics" not in paths


async def test_sql_waiters_are_counted_while_they_wait(tmp_path: Path) -> None:
    engine = create_async_engine(
        f"sqlite+aiosqlite:///{tmp_path / 'pool.sqlite3'}",
        poolclass=sql_pool("probe-role"),
        pool_size=1,
        max_overflow=0,
    )
    try:
        async with engine.connect():
            waiter = asyncio.create_task(engine.connect().__aenter__())
            await asyncio.sleep(0.05)
            assert sample("sql_pool_waiting", role="probe-role") == 1
            assert not waiter.done()
        connection = await asyncio.wait_for(waiter, 5)
        assert sample("sql_pool_waiting", role="probe-role") == 0
        await connection.close()
    finally:
        await engine.dispose()


async def test_pool_in_use_gauges_follow_checkouts(app: FastAPI, client: httpx.AsyncClient) -> None:
    async with resources_of(app).backends.postgres.engine.connect():
        text = (await client.get("/metrics")).text
        in_use = dict(
            (labels["role"], value) for labels, value in scrape(text)["sql_pool_connections_in_use"]
        )
        assert in_use["postgres"] >= 1
    text = (await client.get("/metrics")).text
    assert (
        dict(
            (labels["role"], value) for labels, value in scrape(text)["sql_pool_connections_in_use"]
        )["postgres"]
        == 0
    )
    assert "redis_pool_connections_in_use" in scrape(text)


async def test_bcrypt_queue_depth_and_wait() -> None:
    hasher = PasswordHasher(rounds=4, workers=1)
    release = threading.Event()
    waits_before = sample("bcrypt_queue_wait_seconds_count")
    try:
        # One blocked worker thread: the next two hashes queue behind it.
        blocker = asyncio.create_task(hasher._run(lambda: release.wait(5)))
        queued = [asyncio.create_task(hasher.hash("Queued-Passw0rd")) for _ in range(2)]
        await asyncio.sleep(0.05)
        assert sample("bcrypt_queue_depth") == 3
        release.set()
        await asyncio.gather(blocker, *queued)
    finally:
        release.set()
        hasher.close()
    assert sample("bcrypt_queue_depth") == 0
    assert sample("bcrypt_queue_wait_seconds_count") == waits_before + 3
    # The two queued hashes waited for the blocker: at least one bucket above 10 ms filled.
    assert sample("bcrypt_queue_wait_seconds_sum") > 0.04


async def test_limiter_refusals_and_revoked_sessions_are_counted(
    app: FastAPI, client: httpx.AsyncClient, settings: Settings
) -> None:
    refused = sample("login_limiter_refusals_total", realm="user")
    revoked = sample("sessions_revoked_total", scope="session")
    ended = sample("sessions_revoked_total", scope="account")
    accounts = Accounts(client, app)

    user = await accounts.user()
    logout = await client.post("/api/v1/auth/logout", headers=user.headers)
    assert logout.status_code == 200
    assert sample("sessions_revoked_total", scope="session") == revoked + 1

    other = await accounts.user()
    second = await accounts.login(other.username)
    everywhere = await client.post("/api/v1/auth/logout-all", headers=second.headers)
    assert everywhere.status_code == 200
    assert sample("sessions_revoked_total", scope="account") >= ended + 1

    body = {"username": "nobody-here", "password": "Wrong-Passw0rd"}
    first = await client.post("/api/v1/auth/login", json=body)
    assert first.status_code == 401
    again = await client.post("/api/v1/auth/login", json=body)
    assert_envelope(again, 429, ErrorType.RATE_LIMITED)
    assert sample("login_limiter_refusals_total", realm="user") == refused + 1


def test_allowed_networks_come_from_a_comma_separated_list() -> None:
    networks = MetricsSettings(allowed_networks="10.0.0.0/8, ::1/128").allowed_networks
    assert is_allowed("10.1.2.3", networks)
    assert is_allowed("::1", networks)
    assert not is_allowed("127.0.0.1", networks)
    # A name (ASGI test clients say "testclient") or no address at all is never allowed.
    assert not is_allowed("testclient", networks)
    assert not is_allowed(None, networks)
