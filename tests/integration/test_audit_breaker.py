"""MongoDB gone after startup, on real PostgreSQL and Redis: auth keeps working, fast.

No MongoDB server is needed: PyMongo's real client against a refused loopback port stands in
for a MongoDB that went away. Each audit write first waits out the connect timeout; once the
breaker opens, logins stop waiting, and readiness says `degraded`, not `down`.
"""

import time
from collections.abc import AsyncIterator
from dataclasses import replace

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from prometheus_client import REGISTRY

from app.core.breaker import BreakerState
from app.core.errors import ErrorType
from app.database.mongo import create_mongo
from app.main import create_app
from app.resources import attach_resources, resources_of
from app.settings import AppSettings, DatabaseSettings, Environment, Settings
from tests.behaviour.accounts import PASSWORD, Accounts
from tests.envelope import assert_envelope

DEAD_MONGO = "mongodb://127.0.0.1:1/?directConnection=true"
TIMEOUT = 1.0


@pytest.fixture
async def mongo_gone(settings: Settings) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    app = create_app(
        Settings(
            app=AppSettings(environment=Environment.TEST, probe_timeout_seconds=5),
            database=settings.database,
            auth=settings.auth,
        )
    )
    async with LifespanManager(app) as manager:
        # MongoDB "goes away" after startup: the app's store now points at nothing.
        dead = create_mongo(
            DatabaseSettings(
                mongo_url=DEAD_MONGO, mongo_database="x", connect_timeout_seconds=TIMEOUT
            )
        )
        resources = resources_of(app)
        backends = replace(resources.backends, mongo=dead)
        probes = {**resources.probes, "mongo": dead.ping}
        attach_resources(app, replace(resources, backends=backends, probes=probes))
        transport = httpx.ASGITransport(app=manager.app)
        try:
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                yield app, client
        finally:
            await dead.close()


async def test_logins_stop_waiting_for_a_mongodb_known_to_be_down(
    mongo_gone: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    app, client = mongo_gone
    accounts = Accounts(client, app)
    user = await accounts.register()
    rejected = (
        REGISTRY.get_sample_value("circuit_breaker_rejected_total", {"breaker": "audit"}) or 0.0
    )

    durations = []
    for _ in range(5):
        started = time.perf_counter()
        await accounts.login(user["username"], PASSWORD)  # 200 every time: auth needs no Mongo
        durations.append(time.perf_counter() - started)

    # Three logins' audit writes each waited out the timeout (threshold 3); then it is open.
    assert resources_of(app).audit_breaker.state is BreakerState.OPEN
    assert REGISTRY.get_sample_value("circuit_breaker_state", {"breaker": "audit"}) == 2
    assert all(duration >= TIMEOUT for duration in durations[:3]), durations
    assert all(duration < TIMEOUT for duration in durations[3:]), durations
    after = REGISTRY.get_sample_value("circuit_breaker_rejected_total", {"breaker": "audit"})
    assert after == rejected + 2

    ready = await client.get("/health/ready")
    backends = assert_envelope(ready, 200, ErrorType.SUCCESS)["data"]["backends"]
    assert backends["mongo"]["state"] == "degraded"
    assert {backends[name]["state"] for name in ("postgres", "redis")} == {"up"}
