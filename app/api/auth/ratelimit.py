"""The login brute-force limit: failed attempts counted per client address and per username."""

import hashlib
import math
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
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
        self._limiter = MovingWindowRateLimiter(storage)
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

    async def check(self, realm: Realm, address: str, username: str) -> None:
        """Raise `RateLimitedError` (429, `Retry-After`) if either budget is spent."""
        async with _unavailable_on_failure():
            for item, scope, identity in self._buckets(realm, address, username):
                if not await self._limiter.test(item, scope, identity):
                    stats = await self._limiter.get_window_stats(item, scope, identity)
                    retry_after = math.ceil(stats.reset_time - time.time())
                    LOGIN_REFUSALS.labels(realm.value).inc()  # metrics
                    raise RateLimitedError(retry_after, MessageKey.AUTH_LOGIN_RATE_LIMITED)

    async def record_failure(self, realm: Realm, address: str, username: str) -> None:
        """Count one failed attempt against both the address and the username."""
        async with _unavailable_on_failure():
            for item, scope, identity in self._buckets(realm, address, username):
                await self._limiter.hit(item, scope, identity)

    async def clear(self, realm: Realm, username: str) -> None:
        """Forget the username's failures after a successful login (the address keeps its own)."""
        async with _unavailable_on_failure():
            await self._limiter.clear(
                self._per_username, f"login:{realm.value}:username", _username_key(username)
            )
