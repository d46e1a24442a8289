"""Redis through `redis.asyncio` (`REDIS_URL`); `memory://` is fakeredis in this process."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import fakeredis
import redis.asyncio
import redis.exceptions

from app.core.errors import ServiceUnavailableError
from app.settings import DatabaseSettings

MEMORY_URL = "memory://"


@dataclass(frozen=True)
class RedisStore:
    """The client and the prefix every key of this app starts with."""

    client: redis.asyncio.Redis
    prefix: str

    def key(self, *parts: str) -> str:
        """The full key for `parts`, e.g. `key("session", sid)` -> `fusion:session:<sid>`."""
        return self.prefix + ":".join(parts)

    async def ping(self) -> None:
        """Round-trip a PING; the readiness probe."""
        await self.client.ping()

    async def close(self) -> None:
        """Release the connection pool."""
        await self.client.aclose()


def create_redis(settings: DatabaseSettings) -> RedisStore:
    """A client for `REDIS_URL` (strings in and out); connects on first command."""
    url = settings.redis_url.get_secret_value()
    timeout = settings.connect_timeout_seconds
    client: redis.asyncio.Redis
    if url == MEMORY_URL:
        client = fakeredis.FakeAsyncRedis(decode_responses=True)
    else:
        # A blocking pool: past `max_connections` a command waits (bounded) for a connection
        # instead of failing at once; a burst of 50 refreshes answered 503 without it.
        pool = redis.asyncio.BlockingConnectionPool.from_url(
            url,
            decode_responses=True,
            socket_connect_timeout=timeout,
            socket_timeout=timeout,
            max_connections=settings.pool_size + settings.max_overflow,
            timeout=settings.pool_timeout_seconds,
        )
        client = redis.asyncio.Redis.from_pool(pool)
    return RedisStore(client=client, prefix=settings.redis_key_prefix)


def is_unavailable(error: BaseException) -> bool:
    """Redis cannot be reached or did not answer in time."""
    return isinstance(
        error, redis.exceptions.ConnectionError | redis.exceptions.TimeoutError | OSError
    )


@contextmanager
def redis_errors() -> Iterator[None]:
    """Turn a lost Redis into a 503 (callers that guard sessions fail closed with it)."""
    try:
        yield
    except (redis.exceptions.RedisError, OSError) as error:
        if is_unavailable(error):
            raise ServiceUnavailableError from error
        raise
