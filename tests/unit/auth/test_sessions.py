"""The Redis session store on fakeredis: layout, TTLs, rotation, revocation, failure."""

from collections.abc import Awaitable, Callable

import pytest
from fakeredis import FakeAsyncRedis, FakeServer

from app.api.auth.sessions import ClientInfo, RotateOutcome, SessionStore
from app.core.errors import ServiceUnavailableError
from app.core.security.tokens import Realm

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


async def _open(
    store: SessionStore, sid: str, account_id: int = 1, realm: Realm = Realm.USER
) -> None:
    await store.create(
        sid,
        realm=realm,
        account_id=account_id,
        role="user",
        refresh_jti=f"{sid}-r0",
        client=ClientInfo(user_agent="Mozilla/5.0 " + "x" * 500, ip="203.0.113.9"),
    )


async def test_layout_and_ttls(store: SessionStore, redis: FakeAsyncRedis) -> None:
    await _open(store, "s1")
    assert await redis.type("t:session:s1") == b"hash"
    assert await redis.smembers("t:account:user:1:sessions") == {b"s1"}
    assert 0 < await redis.ttl("t:session:s1") <= TTL
    assert 0 < await redis.ttl("t:account:user:1:sessions") <= TTL
    session = await store.get("s1")
    assert session is not None
    assert (session.realm, session.account_id, session.role) == (Realm.USER, 1, "user")
    assert session.ip == "203.0.113.9"
    assert len(session.user_agent) == 200


async def test_is_active_checks_realm_and_account(store: SessionStore) -> None:
    await _open(store, "s1", account_id=1, realm=Realm.USER)
    assert await store.is_active("s1", Realm.USER, 1)
    assert not await store.is_active("s1", Realm.ADMIN, 1)
    assert not await store.is_active("s1", Realm.USER, 2)
    assert not await store.is_active("nope", Realm.USER, 1)


async def test_rotate_then_replay(store: SessionStore, redis: FakeAsyncRedis) -> None:
    await _open(store, "s1")
    rotated = await store.rotate("s1", "s1-r0", "s1-r1", realm=Realm.USER, account_id=1)
    assert rotated.outcome is RotateOutcome.ROTATED
    assert await redis.hget("t:session:s1", "refresh_jti") == b"s1-r1"
    reused = await store.rotate("s1", "s1-r0", "s1-r2", realm=Realm.USER, account_id=1)
    assert reused.outcome is RotateOutcome.REUSED
    assert await store.get("s1") is None
    assert await redis.smembers("t:account:user:1:sessions") == set()
    gone = await store.rotate("s1", "s1-r1", "s1-r3", realm=Realm.USER, account_id=1)
    assert gone.outcome is RotateOutcome.MISSING


async def test_rotate_refuses_another_accounts_session(store: SessionStore) -> None:
    await _open(store, "s1", account_id=1)
    for realm, account_id in ((Realm.USER, 2), (Realm.ADMIN, 1)):
        other = await store.rotate("s1", "s1-r0", "x", realm=realm, account_id=account_id)
        assert other.outcome is RotateOutcome.MISSING
    # Untouched: the owner can still rotate with the current jti.
    mine = await store.rotate("s1", "s1-r0", "s1-r1", realm=Realm.USER, account_id=1)
    assert mine.outcome is RotateOutcome.ROTATED


async def test_revoke_only_the_owners_session(store: SessionStore) -> None:
    await _open(store, "mine", account_id=1)
    await _open(store, "theirs", account_id=2)
    # Account 1 cannot end account 2's session by guessing its id, nor cross realms.
    assert not await store.revoke("theirs", realm=Realm.USER, account_id=1)
    assert not await store.revoke("theirs", realm=Realm.ADMIN, account_id=2)
    assert await store.get("theirs") is not None
    assert await store.revoke("mine", realm=Realm.USER, account_id=1)
    assert await store.get("mine") is None
    assert not await store.revoke("mine", realm=Realm.USER, account_id=1)


async def test_revoke_all_and_all_but_one(store: SessionStore, redis: FakeAsyncRedis) -> None:
    for sid in ("a", "b", "c"):
        await _open(store, sid)
    await _open(store, "admin-a", realm=Realm.ADMIN)
    assert await store.revoke_all(Realm.USER, 1, keep="b") == 2
    assert [s.sid for s in await store.list(Realm.USER, 1)] == ["b"]
    assert await store.revoke_all(Realm.USER, 1) == 1
    assert await store.list(Realm.USER, 1) == []
    assert [s.sid for s in await store.list(Realm.ADMIN, 1)] == ["admin-a"]
    assert await store.revoke_all(Realm.USER, 99) == 0


async def test_list_drops_expired_entries_from_the_index(
    store: SessionStore, redis: FakeAsyncRedis
) -> None:
    await _open(store, "live")
    await _open(store, "expired")
    await redis.delete("t:session:expired")  # what its TTL would do
    assert [s.sid for s in await store.list(Realm.USER, 1)] == ["live"]
    assert await redis.smembers("t:account:user:1:sessions") == {b"live"}


async def test_works_with_decoded_responses(server: FakeServer) -> None:
    store = SessionStore(FakeAsyncRedis(server=server, decode_responses=True), "t", TTL)
    await _open(store, "s1")
    assert await store.is_active("s1", Realm.USER, 1)
    rotated = await store.rotate("s1", "s1-r0", "s1-r1", realm=Realm.USER, account_id=1)
    assert rotated.outcome is RotateOutcome.ROTATED
    assert [s.sid for s in await store.list(Realm.USER, 1)] == ["s1"]


async def test_every_operation_fails_closed_when_redis_is_down(
    store: SessionStore, server: FakeServer
) -> None:
    await _open(store, "s1")
    server.connected = False
    calls: list[Callable[[], Awaitable[object]]] = [
        lambda: _open(store, "s2"),
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
