"""Redis through `redis.asyncio` (plain, TLS or Sentinel `REDIS_URL`); `memory://` is fakeredis."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import redis.asyncio
import redis.exceptions
from redis.asyncio.connection import ConnectionPool

from app.core.errors import ServiceUnavailableError
from app.database.embedded import require_embedded
from app.database.redis_urls import client_for, connection_pool
from app.settings import DatabaseSettings

MEMORY_URL = "memory://"


@dataclass(frozen=True)
class RedisStore:
    """The client and the prefix every key of this app starts with."""

    client: redis.asyncio.Redis
    prefix: str
    # Whether the server runs Lua scripts: Redis does, the embedded fakeredis does not.
    scripting: bool = False

    def key(self, *parts: str) -> str:
        """The full key for `parts`, e.g. `key("session", sid)` -> `fusion:session:<sid>`."""
        return self.prefix + ":".join(parts)

    async def ping(self) -> None:
        """Round-trip a PING; the readiness probe."""
        await self.client.ping()

    async def close(self) -> None:
        """Release the connection pool."""
        await self.client.aclose()


def app_pool(settings: DatabaseSettings, *, decode_responses: bool) -> ConnectionPool:
    """A pool for `REDIS_URL` (plain, TLS or Sentinel) that waits, bounded, when all are busy."""
    return connection_pool(
        settings.redis_url.get_secret_value(),
        max_connections=settings.pool_size + settings.max_overflow,
        wait_seconds=settings.redis_pool_timeout_seconds,
        socket_timeout=settings.connect_timeout_seconds,
        decode_responses=decode_responses,
    )


def create_redis(settings: DatabaseSettings) -> RedisStore:
    """A client for `REDIS_URL` (strings in and out); connects on first command."""
    url = settings.redis_url.get_secret_value()
    if url == MEMORY_URL:
        fakeredis = require_embedded("fakeredis", "REDIS_URL")
        client = fakeredis.FakeAsyncRedis(decode_responses=True)
        return RedisStore(client=client, prefix=settings.redis_key_prefix)
    client = client_for(app_pool(settings, decode_responses=True))
    return RedisStore(client=client, prefix=settings.redis_key_prefix, scripting=True)


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
