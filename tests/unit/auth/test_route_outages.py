"""Auth routes when Redis is down: they fail closed (503), never open."""

from dataclasses import replace

import httpx
import pytest
from fakeredis import FakeAsyncRedis, FakeServer
from fastapi import FastAPI

from app.core.errors import ErrorType
from app.database.redis import RedisStore
from app.resources import attach_resources, resources_of
from tests.behaviour.accounts import Accounts
from tests.envelope import assert_envelope


@pytest.fixture
def accounts(app: FastAPI, running: httpx.AsyncClient) -> Accounts:
    return Accounts(running, app)


async def test_redis_down_is_503_on_users_me_and_200_on_health_live(
    app: FastAPI, running: httpx.AsyncClient, accounts: Accounts
) -> None:
    server = FakeServer()
    # Swapped in once the lifespan has opened the backends, so the test owns the server.
    store = RedisStore(client=FakeAsyncRedis(server=server, decode_responses=True), prefix="test:")
    resources = resources_of(app)
    attach_resources(app, replace(resources, backends=replace(resources.backends, redis=store)))
    session = await accounts.user()
    assert_envelope(await running.get("/api/v1/users/me", headers=session.headers), 200)
    server.connected = False  # every command now raises redis' ConnectionError
    for method, path in [
        ("GET", "/api/v1/users/me"),
        ("GET", "/api/v1/auth/sessions"),
        ("POST", "/api/v1/auth/logout"),
    ]:
        response = await running.request(method, path, headers=session.headers)
        body = assert_envelope(response, 503, ErrorType.SERVICE_UNAVAILABLE)
        assert body["data"] is None
    refresh = await running.post("/api/v1/auth/refresh", json={"refresh_token": session.refresh})
    assert_envelope(refresh, 503, ErrorType.SERVICE_UNAVAILABLE)
    assert_envelope(await running.get("/health/live"), 200, ErrorType.SUCCESS)
    server.connected = True
    assert_envelope(await running.get("/api/v1/users/me", headers=session.headers), 200)
