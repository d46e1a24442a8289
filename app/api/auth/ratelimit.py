"""The login brute-force limit: attempts counted per client address and per username.

An attempt is reserved (counted) atomically before the password is checked and released
when the password was right, so only failures stay counted, and N concurrent guesses get at
most the limit checked: the rest are refused before bcrypt. Fixed windows, because their
counters can be given back (a moving window's entries cannot).
"""

import hashlib
import math
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import FixedWindowRateLimiter
from limits.errors import StorageError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from app.core.errors import RateLimitedError, ServiceUnavailableError
from app.core.i18n import MessageKey
from app.core.metrics import LOGIN_REFUSALS
from app.core.security.tokens import Realm
from app.database.redis import app_pool
from app.settings import AuthSettings, DatabaseSettings

EMBEDDED_SCHEME = "memory://"


def limiter_storage(settings: DatabaseSettings, prefix: str) -> Storage:
    """Counters in the app's Redis, or in process for the embedded `memory://` backend."""
    if settings.redis_url.get_secret_value().startswith(EMBEDDED_SCHEME):
        return MemoryStorage()
    # `limits` gets its own pool (bytes, as its scripts expect) built like the app's, so
    # TLS, Sentinel and the bounded wait for a connection hold for the counters too.
    return RedisStorage(
        "async+redis://",
        implementation="redispy",
        wrap_exceptions=True,
        key_prefix=prefix,
        connection_pool=app_pool(settings, decode_responses=False),  # type: ignore[arg-type]
    )


@asynccontextmanager
async def _unavailable_on_failure() -> AsyncIterator[None]:
    try:
        yield
    except (StorageError, RedisConnectionError, RedisTimeoutError, OSError) as exc:
        # Without counters the limit cannot hold: refuse logins rather than allow unlimited.
        raise ServiceUnavailableError from exc


def _username_key(username: str) -> str:
    # Hashed: bounded key length whatever is typed, and no usernames readable in Redis.
    return hashlib.sha256(username.strip().casefold().encode("utf-8")).hexdigest()[:32]


class LoginLimiter:
    """Refuses a login once its address or username has too many recent failures."""

    def __init__(self, storage: Storage, per_address: RateLimitItem, per_username: RateLimitItem):
        self._limiter = FixedWindowRateLimiter(storage)
        self._per_address = per_address
        self._per_username = per_username

    @classmethod
    def from_settings(cls, storage: Storage, settings: AuthSettings) -> "LoginLimiter":
        """A limiter with the configured limits."""
        return cls(
            storage,
            parse(settings.login_rate_limit_per_address),
            parse(settings.login_rate_limit_per_username),
        )

    def _buckets(
        self, realm: Realm, address: str, username: str
    ) -> list[tuple[RateLimitItem, str, str]]:
        return [
            (self._per_address, f"login:{realm.value}:address", address or "-"),
            (self._per_username, f"login:{realm.value}:username", _username_key(username)),
        ]

    async def reserve(self, realm: Realm, address: str, username: str) -> None:
        """Count one attempt against both budgets, or raise `RateLimitedError` (429)."""
        async with _unavailable_on_failure():
            taken: list[tuple[RateLimitItem, str, str]] = []
            for item, scope, identity in self._buckets(realm, address, username):
                # `hit` increments and compares in one step on the storage: atomic.
                if await self._limiter.hit(item, scope, identity):
                    taken.append((item, scope, identity))
                    continue
                # Over the limit: give back what this refused attempt took, then refuse.
                for counted in (*taken, (item, scope, identity)):
                    await self._give_back(*counted)
                stats = await self._limiter.get_window_stats(item, scope, identity)
                retry_after = math.ceil(stats.reset_time - time.time())
                LOGIN_REFUSALS.labels(realm.value).inc()  # metrics
                raise RateLimitedError(retry_after, MessageKey.AUTH_LOGIN_RATE_LIMITED)

    async def release(self, realm: Realm, address: str, username: str) -> None:
        """Give a reserved attempt back (the password was right): only failures stay counted.

        The username's earlier failures are forgotten too (its owner just proved the
        password); the address keeps its own, as one address may guess at many accounts.
        """
        async with _unavailable_on_failure():
            (address_item, scope, identity), (username_item, user_scope, user_identity) = (
                self._buckets(realm, address, username)
            )
            await self._give_back(address_item, scope, identity)
            await self._limiter.clear(username_item, user_scope, user_identity)

    async def cancel(self, realm: Realm, address: str, username: str) -> None:
        """Give a reserved attempt back unchecked (bcrypt was too busy to run it)."""
        async with _unavailable_on_failure():
            for item, scope, identity in self._buckets(realm, address, username):
                await self._give_back(item, scope, identity)

    async def _give_back(self, item: RateLimitItem, scope: str, identity: str) -> None:
        # A negative hit decrements the window's counter (the window's expiry is kept).
        await self._limiter.hit(item, scope, identity, cost=-1)
