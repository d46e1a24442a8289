"""SessionStore on fakeredis (fake) or Redis (real): the operations the auth routes issue."""

import asyncio

import pytest

from app.api.auth.sessions import ClientInfo, RotateOutcome, SessionStore
from app.core.security.tokens import Realm
from app.database.redis import RedisStore

TTL = 3600


@pytest.fixture
def store(redis_store: RedisStore) -> SessionStore:
    # Under the run's prefix, so the store fixture's cleanup deletes every key it writes.
    return SessionStore(
        redis_store.client, redis_store.key("auth"), TTL, scripting=redis_store.scripting
    )


async def open_session(
    store: SessionStore, sid: str, account_id: int = 1, realm: Realm = Realm.USER
) -> None:
    await store.create(
        sid,
        realm=realm,
        account_id=account_id,
        role="user",
        refresh_jti=f"{sid}-r0",
        client=ClientInfo(user_agent="agent/1.0 " + "x" * 500, ip="203.0.113.9"),
    )


async def test_layout_and_ttls(store: SessionStore, redis_store: RedisStore) -> None:
    await open_session(store, "s1")
    client = redis_store.client
    # The layout: one hash per session, one set of sids per account and realm.
    prefix = redis_store.key("auth")
    assert store.session_key("s1") == f"{prefix}:session:s1"
    assert store.index_key(Realm.USER, 1) == f"{prefix}:account:user:1:sessions"
    assert await client.type(store.session_key("s1")) == "hash"
    assert await client.smembers(store.index_key(Realm.USER, 1)) == {"s1"}
    assert 0 < await client.ttl(store.session_key("s1")) <= TTL
    assert 0 < await client.ttl(store.index_key(Realm.USER, 1)) <= TTL
    session = await store.get("s1")
    assert session is not None
    assert (session.realm, session.account_id, session.role) == (Realm.USER, 1, "user")
    assert session.ip == "203.0.113.9"
    assert len(session.user_agent) == 200
    assert await store.get("nope") is None


async def test_is_active_checks_realm_and_account(store: SessionStore) -> None:
    await open_session(store, "s1")
    assert await store.is_active("s1", Realm.USER, 1)
    assert not await store.is_active("s1", Realm.ADMIN, 1)
    assert not await store.is_active("s1", Realm.USER, 2)
    assert not await store.is_active("nope", Realm.USER, 1)


async def test_is_active_follows_the_accounts_generation(
    store: SessionStore, redis_store: RedisStore
) -> None:
    await open_session(store, "old")
    await store.revoke_all(Realm.USER, 1, keep="old")  # "old" moves to generation 1
    assert await store.is_active("old", Realm.USER, 1)
    # A session opened under generation 0 (a login racing the revocation) is refused.
    await open_session(store, "raced")
    assert not await store.is_active("raced", Realm.USER, 1)
    await store.create(
        "current", realm=Realm.USER, account_id=1, role="user", refresh_jti="r", generation=1
    )
    assert await store.is_active("current", Realm.USER, 1)
    # A hash without a generation (a partial write) matches no generation, not even 0.
    await redis_store.client.hdel(store.session_key("current"), "generation")
    assert not await store.is_active("current", Realm.USER, 1)
    await store.revoke_all(Realm.USER, 1)
    assert not await store.is_active("old", Realm.USER, 1)


async def test_is_active_survives_a_server_that_forgot_its_scripts(
    store: SessionStore, redis_store: RedisStore
) -> None:
    await open_session(store, "s1")
    assert await store.is_active("s1", Realm.USER, 1)
    if redis_store.scripting:
        await redis_store.client.script_flush()  # as after a restart or a failover
    assert await store.is_active("s1", Realm.USER, 1)
    assert not await store.is_active("s1", Realm.USER, 2)


async def test_rotate_then_replay_revokes(store: SessionStore, redis_store: RedisStore) -> None:
    await open_session(store, "s1")
    rotated = await store.rotate("s1", "s1-r0", "s1-r1", realm=Realm.USER, account_id=1)
    assert rotated.outcome is RotateOutcome.ROTATED
    assert await redis_store.client.hget(store.session_key("s1"), "refresh_jti") == "s1-r1"
    reused = await store.rotate("s1", "s1-r0", "s1-r2", realm=Realm.USER, account_id=1)
    assert reused.outcome is RotateOutcome.REUSED
    assert await store.get("s1") is None
    assert await redis_store.client.smembers(store.index_key(Realm.USER, 1)) == set()
    gone = await store.rotate("s1", "s1-r1", "s1-r3", realm=Realm.USER, account_id=1)
    assert gone.outcome is RotateOutcome.MISSING


async def test_rotate_refuses_another_accounts_session(store: SessionStore) -> None:
    await open_session(store, "s1", account_id=1)
    for realm, account_id in ((Realm.USER, 2), (Realm.ADMIN, 1)):
        other = await store.rotate("s1", "s1-r0", "x", realm=realm, account_id=account_id)
        assert other.outcome is RotateOutcome.MISSING
    # Untouched: the owner can still rotate with the current jti.
    mine = await store.rotate("s1", "s1-r0", "s1-r1", realm=Realm.USER, account_id=1)
    assert mine.outcome is RotateOutcome.ROTATED


async def test_concurrent_rotations_of_one_jti_let_at_most_one_win(store: SessionStore) -> None:
    # WATCH/MULTI is what makes this hold; a fake that ignored WATCH would let several win.
    await open_session(store, "s1")
    outcomes = await asyncio.gather(
        *(
            store.rotate("s1", "s1-r0", f"s1-new{index}", realm=Realm.USER, account_id=1)
            for index in range(10)
        )
    )
    won = [rotation for rotation in outcomes if rotation.outcome is RotateOutcome.ROTATED]
    assert len(won) <= 1


async def test_revoke_only_the_owners_session(store: SessionStore) -> None:
    await open_session(store, "mine", account_id=1)
    await open_session(store, "theirs", account_id=2)
    # Account 1 cannot end account 2's session by guessing its id, nor cross realms.
    assert not await store.revoke("theirs", realm=Realm.USER, account_id=1)
    assert not await store.revoke("theirs", realm=Realm.ADMIN, account_id=2)
    assert await store.get("theirs") is not None
    assert await store.revoke("mine", realm=Realm.USER, account_id=1)
    assert await store.get("mine") is None
    assert not await store.revoke("mine", realm=Realm.USER, account_id=1)


async def test_revoke_all_and_all_but_one(store: SessionStore) -> None:
    for sid in ("a", "b", "c"):
        await open_session(store, sid)
    await open_session(store, "admin-a", realm=Realm.ADMIN)
    assert await store.revoke_all(Realm.USER, 1, keep="b") == 2
    assert [s.sid for s in await store.list(Realm.USER, 1)] == ["b"]
    assert await store.revoke_all(Realm.USER, 1) == 1
    assert await store.list(Realm.USER, 1) == []
    assert [s.sid for s in await store.list(Realm.ADMIN, 1)] == ["admin-a"]
    assert await store.revoke_all(Realm.USER, 99) == 0


async def test_an_expired_session_leaves_the_index_on_listing(
    store: SessionStore, redis_store: RedisStore
) -> None:
    await open_session(store, "live")
    await open_session(store, "expired")
    # A real expiry, not a delete: both sides must drop a key whose TTL ran out.
    await redis_store.client.pexpire(store.session_key("expired"), 1)
    await asyncio.sleep(0.05)
    assert not await store.is_active("expired", Realm.USER, 1)
    assert [s.sid for s in await store.list(Realm.USER, 1)] == ["live"]
    assert await redis_store.client.smembers(store.index_key(Realm.USER, 1)) == {"live"}
