"""Auth routes when a backend is down: Redis fails closed (503), MongoDB never fails auth."""

import logging
from typing import Any

import httpx
import pytest
from fakeredis import FakeAsyncRedis, FakeServer
from fastapi import FastAPI
from pymongo.errors import ServerSelectionTimeoutError

from app.core.errors import ErrorType
from app.database.redis import RedisStore
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
    app.state.redis = RedisStore(
        client=FakeAsyncRedis(server=server, decode_responses=True), prefix="test:"
    )
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


class _UnreachableCollection:
    """Fails every write the way PyMongo does when no server can be selected."""

    async def insert_one(self, document: Any) -> None:
        raise ServerSelectionTimeoutError("127.0.0.1:27017: [Errno 111] Connection refused")


class _UnreachableDatabase:
    def __getitem__(self, name: str) -> _UnreachableCollection:
        return _UnreachableCollection()


class _UnreachableMongo:
    db = _UnreachableDatabase()


async def test_mongo_down_leaves_auth_working_and_logs_a_warning(
    app: FastAPI,
    running: httpx.AsyncClient,
    accounts: Accounts,
    caplog: pytest.LogCaptureFixture,
) -> None:
    app.state.mongo = _UnreachableMongo()
    with caplog.at_level(logging.WARNING, logger="app.audit"):
        session = await accounts.user()
        wrong = await running.post(
            "/api/v1/auth/login", json={"username": session.username, "password": "not it at all"}
        )
        assert_envelope(wrong, 401, ErrorType.UNAUTHORIZED)
        logout = await running.post("/api/v1/auth/logout", headers=session.headers)
        assert_envelope(logout, 200, ErrorType.SUCCESS)
    warnings = [r.getMessage() for r in caplog.records if r.name == "app.audit"]
    assert len(warnings) == 3  # login success, login failure, logout
    assert all("ServiceUnavailableError" in line for line in warnings)
