"""Sessions in Redis: a hash per `sid` and an index set per account; no KEYS, ever.

Layout (`{p}` is the key prefix):

- `{p}:session:{sid}`: hash `realm, account_id, role, refresh_jti, created_at, last_seen_at,
  user_agent, ip`; expires with the refresh token (the TTL restarts on each rotation).
- `{p}:account:{realm}:{account_id}:sessions`: set of that account's sids. Entries whose
  hash has expired are dropped when the account's sessions are listed or revoked.
- `{p}:account:{realm}:{account_id}:generation`: the account's revocation generation (absent
  is 0). Ban, password change and logout-all bump it after their change commits; each
  session records the generation it was opened under and is refused once it differs, so a
  session opened concurrently with a revocation (a racing login) dies with the others.

`last_seen_at` moves on each refresh, not on each request: the per-request check stays one
read, and a write to a session being revoked at that moment could bring back a partial hash.

The per-request check is one command on a Redis server (a script comparing the session with
the account's generation there); fakeredis, which runs no scripts, gets a pipeline instead.
"""

import enum
import hashlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import NoScriptError, WatchError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.typing import EncodableT, FieldT

from app.core.errors import ServiceUnavailableError
from app.core.metrics import SESSIONS_REVOKED
from app.core.security.tokens import Realm

T = TypeVar("T")

# Client details are for the session list only; bounded so a hostile header cannot bloat Redis.
MAX_USER_AGENT_CHARS = 200
MAX_IP_CHARS = 64
# Optimistic transactions retry on a concurrent change; a handful covers real contention.
MAX_WATCH_RETRIES = 16
_FIELDS = ("realm", "account_id", "role", "refresh_jti", "created_at", "last_seen_at")
# A generation outlives every session that could carry an older one (sessions last one TTL).
GENERATION_TTL_FACTOR = 2
# KEYS: the session, the account's generation; ARGV: the realm and account id to match.
# An absent generation key is 0; a session without a generation field matches nothing.
IS_ACTIVE_SCRIPT = """
local session = redis.call('HMGET', KEYS[1], 'realm', 'account_id', 'generation')
local current = redis.call('GET', KEYS[2]) or '0'
if session[1] == ARGV[1] and session[2] == ARGV[2] and session[3] == current then
  return 1
end
return 0
"""
IS_ACTIVE_SHA = hashlib.sha1(IS_ACTIVE_SCRIPT.encode(), usedforsecurity=False).hexdigest()
# What `unavailable_on_failure` turns into a 503.
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)


@dataclass(frozen=True)
class ClientInfo:
    """Where a session was opened from, as shown in the session list."""

    user_agent: str = ""
    ip: str = ""


@dataclass(frozen=True)
class SessionInfo:
    """One live session of an account."""

    sid: str
    realm: Realm
    account_id: int
    role: str
    created_at: int
    last_seen_at: int
    user_agent: str
    ip: str
    # When it was opened, in ms: orders sessions opened within one second (eviction).
    opened_ms: int = 0


class RotateOutcome(enum.Enum):
    """What presenting a refresh token did."""

    ROTATED = "rotated"  # it was the current one: the new jti is now current
    REUSED = "reused"  # it was spent: the whole session is now revoked
    MISSING = "missing"  # no such session (expired, logged out or revoked)


@dataclass(frozen=True)
class Rotation:
    """The outcome of `rotate` and, when rotated, the session as it now stands."""

    outcome: RotateOutcome
    session: SessionInfo | None = None


def _text(value: bytes | str | None) -> str:
    if value is None:
        return ""
    return value.decode("utf-8") if isinstance(value, bytes) else value


@asynccontextmanager
async def unavailable_on_failure() -> AsyncIterator[None]:
    """Turn "Redis cannot be reached" into a 503: authenticated requests fail closed."""
    try:
        yield
    except UNAVAILABLE as exc:
        raise ServiceUnavailableError from exc


class SessionStore:
    """Creates, checks, rotates and revokes sessions; every method is one Redis transaction.

    `scripting`: the server runs Lua scripts (Redis does; fakeredis without `lupa` does not).
    """

    def __init__(
        self, redis: "Redis", prefix: str, ttl_seconds: int, *, scripting: bool = False
    ) -> None:
        self._redis = redis
        self._prefix = prefix
        self._ttl = ttl_seconds
        self._scripting = scripting

    def session_key(self, sid: str) -> str:
        """The hash holding one session."""
        return f"{self._prefix}:session:{sid}"

    def index_key(self, realm: Realm, account_id: int) -> str:
        """The set of one account's sids."""
        return f"{self._prefix}:account:{realm.value}:{account_id}:sessions"

    def generation_key(self, realm: Realm, account_id: int) -> str:
        """The account's revocation generation."""
        return f"{self._prefix}:account:{realm.value}:{account_id}:generation"

    async def generation(self, realm: Realm, account_id: int) -> int:
        """The account's current revocation generation (0 before any revocation)."""
        async with unavailable_on_failure():
            value = await self._redis.get(self.generation_key(realm, account_id))
        return int(_text(value) or 0)

    async def create(
        self,
        sid: str,
        *,
        realm: Realm,
        account_id: int,
        role: str,
        refresh_jti: str,
        generation: int = 0,
        client: ClientInfo | None = None,
    ) -> None:
        """Store a new session, opened under `generation`, and add it to its account's index."""
        client = client or ClientInfo()
        now = str(int(time.time()))
        record: dict[FieldT, EncodableT] = {
            "realm": realm.value,
            "account_id": str(account_id),
            "role": role,
            "refresh_jti": refresh_jti,
            "generation": str(generation),
            "opened_ms": str(time.time_ns() // 1_000_000),
            "created_at": now,
            "last_seen_at": now,
            "user_agent": client.user_agent[:MAX_USER_AGENT_CHARS],
            "ip": client.ip[:MAX_IP_CHARS],
        }
        key, index = self.session_key(sid), self.index_key(realm, account_id)
        async with unavailable_on_failure(), self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping=record)
            pipe.expire(key, self._ttl)
            pipe.sadd(index, sid)
            # The index lives as long as its newest session could.
            pipe.expire(index, self._ttl)
            await pipe.execute()

    async def is_active(self, sid: str, realm: Realm, account_id: int) -> bool:
        """The per-request check, one round trip: the session is this account's and current."""
        key, generation = self.session_key(sid), self.generation_key(realm, account_id)
        # A plain try, not `unavailable_on_failure`: this runs on every request.
        try:
            if self._scripting:
                return await self._is_active_scripted(key, generation, realm, account_id)
            async with self._redis.pipeline(transaction=False) as pipe:
                # One pipeline, one round trip: the session and the account's generation.
                pipe.hmget(key, ["realm", "account_id", "generation"])
                pipe.get(generation)
                (stored_realm, stored_account, stored_generation), current = await pipe.execute()
        except UNAVAILABLE as exc:
            raise ServiceUnavailableError from exc
        return (
            _text(stored_realm) == realm.value
            and _text(stored_account) == str(account_id)
            and _text(stored_generation) == str(int(_text(current) or 0))
        )

    async def _is_active_scripted(
        self, key: str, generation: str, realm: Realm, account_id: int
    ) -> bool:
        # One command instead of a pipeline of two: half the client-side work per request.
        arguments = (key, generation, realm.value, str(account_id))
        try:
            answer = await self._redis.evalsha(IS_ACTIVE_SHA, 2, *arguments)
        except NoScriptError:
            # A restarted or failed-over server has forgotten it: load it, once per server.
            await self._redis.script_load(IS_ACTIVE_SCRIPT)
            answer = await self._redis.evalsha(IS_ACTIVE_SHA, 2, *arguments)
        return bool(answer == 1)

    async def get(self, sid: str) -> SessionInfo | None:
        """One session, or None when it does not exist."""
        async with unavailable_on_failure():
            record = await self._redis.hgetall(self.session_key(sid))
        return _session_of(sid, _fields(record))

    async def rotate(
        self, sid: str, presented_jti: str, new_jti: str, *, realm: Realm, account_id: int
    ) -> Rotation:
        """Make `new_jti` current if `presented_jti` is; a spent jti revokes the session."""
        key, generation = self.session_key(sid), self.generation_key(realm, account_id)

        async def attempt(pipe: Pipeline) -> Rotation:
            fields = _fields(await pipe.hgetall(key))  # immediate: the pipe is watching
            current = str(int(_text(await pipe.get(generation)) or 0))
            session = _session_of(sid, fields)
            # Another account's session is not this token's to rotate, nor to revoke; one
            # opened before the account's last revocation is no longer anyone's.
            if session is None or (session.realm, session.account_id) != (realm, account_id):
                return Rotation(RotateOutcome.MISSING)
            if fields.get("generation") != current:
                return Rotation(RotateOutcome.MISSING)
            pipe.multi()  # type: ignore[no-untyped-call]  # redis-py leaves it unannotated
            if fields["refresh_jti"] != presented_jti:
                # Someone holds a newer refresh token; this one was stolen or replayed.
                pipe.delete(key)
                pipe.srem(self.index_key(session.realm, session.account_id), sid)
                await pipe.execute()
                return Rotation(RotateOutcome.REUSED)
            now = int(time.time())
            update: dict[FieldT, EncodableT] = {"refresh_jti": new_jti, "last_seen_at": str(now)}
            pipe.hset(key, mapping=update)
            pipe.expire(key, self._ttl)
            pipe.expire(self.index_key(session.realm, session.account_id), self._ttl)
            await pipe.execute()
            return Rotation(RotateOutcome.ROTATED, replace(session, last_seen_at=now))

        return await self._watched([key, generation], attempt)

    async def revoke(self, sid: str, *, realm: Realm, account_id: int) -> bool:
        """End one session of this account; False when it is not (or no longer) one of its."""
        key, index = self.session_key(sid), self.index_key(realm, account_id)

        async def attempt(pipe: Pipeline) -> bool:
            stored_realm, stored_account = await pipe.hmget(key, ["realm", "account_id"])
            owned = _text(stored_realm) == realm.value and _text(stored_account) == str(account_id)
            pipe.multi()  # type: ignore[no-untyped-call]  # redis-py leaves it unannotated
            # The index entry goes either way: if the hash is gone, the entry is stale.
            pipe.srem(index, sid)
            if owned:
                pipe.delete(key)
            await pipe.execute()
            return owned

        revoked: bool = await self._watched([key], attempt)
        SESSIONS_REVOKED.labels("session").inc(revoked)  # metrics
        return revoked

    async def revoke_all(self, realm: Realm, account_id: int, *, keep: str | None = None) -> int:
        """End every session of an account (all but `keep`) and bump its generation.

        Call it after the change that prompted it has committed: a session opened meanwhile
        carries the old generation, so it is refused too. `keep` moves to the new one.
        """
        index, generation = (
            self.index_key(realm, account_id),
            self.generation_key(realm, account_id),
        )
        kept = self.session_key(keep) if keep else None

        async def attempt(pipe: Pipeline) -> int:
            sids = {_text(member) for member in await pipe.smembers(index)}
            bumped = int(_text(await pipe.get(generation)) or 0) + 1
            keep_alive = kept is not None and bool(await pipe.exists(kept))
            doomed = sorted(sids - {keep} if keep else sids)
            pipe.multi()  # type: ignore[no-untyped-call]  # redis-py leaves it unannotated
            for sid in doomed:
                pipe.delete(self.session_key(sid))
            if doomed:
                pipe.srem(index, *doomed)
            pipe.set(generation, str(bumped), ex=self._ttl * GENERATION_TTL_FACTOR)
            if kept is not None and keep_alive:
                pipe.hset(kept, "generation", str(bumped))
            results = await pipe.execute()
            return sum(1 for deleted in results[: len(doomed)] if deleted)

        # Watching the index, the generation and the kept session: a session created or a
        # revocation made meanwhile makes the whole attempt run again.
        watched = [index, generation, *([kept] if kept else [])]
        ended: int = await self._watched(watched, attempt)
        SESSIONS_REVOKED.labels("account").inc(ended)  # metrics
        return ended

    async def list(self, realm: Realm, account_id: int) -> list[SessionInfo]:
        """The account's live sessions, oldest first; index entries of expired ones are dropped."""
        index = self.index_key(realm, account_id)
        async with unavailable_on_failure():
            sids = sorted(_text(member) for member in await self._redis.smembers(index))
            if not sids:
                return []
            async with self._redis.pipeline(transaction=False) as pipe:
                for sid in sids:
                    pipe.hgetall(self.session_key(sid))
                records = await pipe.execute()
            sessions = [
                _session_of(sid, _fields(record)) for sid, record in zip(sids, records, strict=True)
            ]
            stale = [sid for sid, session in zip(sids, sessions, strict=True) if session is None]
            if stale:
                await self._redis.srem(index, *stale)
        live = [s for s in sessions if s is not None and s.realm is realm]
        return sorted(live, key=lambda s: (s.created_at, s.opened_ms, s.sid))

    async def _watched(self, keys: Iterable[str], attempt: Callable[[Pipeline], Awaitable[T]]) -> T:
        async with unavailable_on_failure():
            for _ in range(MAX_WATCH_RETRIES):
                async with self._redis.pipeline(transaction=True) as pipe:
                    try:
                        await pipe.watch(*keys)
                        return await attempt(pipe)
                    except WatchError:
                        continue
            # Contention this long on one account is abuse or a bug; refuse rather than spin.
            raise ServiceUnavailableError


def _fields(record: Mapping[Any, Any]) -> dict[str, str]:
    # Works whether or not the client was built with `decode_responses`.
    return {_text(name): _text(value) for name, value in record.items()}


def _session_of(sid: str, fields: Mapping[str, str]) -> SessionInfo | None:
    if not all(fields.get(name) for name in _FIELDS):
        return None
    return SessionInfo(
        sid=sid,
        realm=Realm(fields["realm"]),
        account_id=int(fields["account_id"]),
        role=fields["role"],
        created_at=int(fields["created_at"]),
        last_seen_at=int(fields["last_seen_at"]),
        user_agent=fields.get("user_agent", ""),
        ip=fields.get("ip", ""),
        opened_ms=int(fields.get("opened_ms") or 0),
    )
