"""The Redis session store on fakeredis only: decoded responses and failing closed.

What any Redis must do (layout, TTLs, rotation, revocation) is in
`tests/behaviour/test_session_store.py`, which runs on fakeredis and on a real server.
"""

from collections.abc import Awaitable, Callable

import pytest
from fakeredis import FakeAsyncRedis, FakeServer

from app.api.auth.sessions import RotateOutcome, SessionStore
from app.core.errors import ServiceUnavailableError
from app.core.security.tokens import Realm
from tests.behaviour.test_session_store import open_session

TTL = 3600


@pytest.fixture
def server() -> FakeServer:
    return FakeServer()


@pytest.fixture
def redis(server: FakeServer) -> FakeAsyncRedis:
    return FakeAsyncRedis(server=server)


@pytest.fixture
def store(redis: FakeAsyncRedis) -> SessionStore:
    return SessionStore(redis, "t", TTL)


async def test_works_with_decoded_responses(server: FakeServer) -> None:
    store = SessionStore(FakeAsyncRedis(server=server, decode_responses=True), "t", TTL)
    await open_session(store, "s1")
    assert await store.is_active("s1", Realm.USER, 1)
    rotated = await store.rotate("s1", "s1-r0", "s1-r1", realm=Realm.USER, account_id=1)
    assert rotated.outcome is RotateOutcome.ROTATED
    assert [s.sid for s in await store.list(Realm.USER, 1)] == ["s1"]


async def test_every_operation_fails_closed_when_redis_is_down(
    store: SessionStore, server: FakeServer
) -> None:
    await open_session(store, "s1")
    server.connected = False
    calls: list[Callable[[], Awaitable[object]]] = [
        lambda: open_session(store, "s2"),
        lambda: store.is_active("s1", Realm.USER, 1),
        lambda: store.get("s1"),
        lambda: store.rotate("s1", "s1-r0", "s1-r1", realm=Realm.USER, account_id=1),
        lambda: store.revoke("s1", realm=Realm.USER, account_id=1),
        lambda: store.revoke_all(Realm.USER, 1),
        lambda: store.list(Realm.USER, 1),
    ]
    for call in calls:
        with pytest.raises(ServiceUnavailableError):
            await call()
