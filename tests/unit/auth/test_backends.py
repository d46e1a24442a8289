"""Which Redis client and limiter storage auth builds for a `REDIS_URL` (nothing connects)."""

from fakeredis import FakeAsyncRedis
from limits.aio.storage import MemoryStorage, RedisStorage
from redis.asyncio import Redis

from app.api.auth.ratelimit import limiter_storage
from app.api.auth.redis_fallback import open_redis
from app.settings import RedisSettings


async def test_memory_url_is_embedded() -> None:
    client = open_redis("memory://")
    assert isinstance(client, FakeAsyncRedis)
    await client.aclose()
    assert isinstance(limiter_storage(RedisSettings(url="memory://"), "p"), MemoryStorage)


async def test_server_url_builds_lazy_clients() -> None:
    # Construction must not connect: the unit tier forbids sockets, so this would fail if it did.
    client = open_redis("redis://cache.invalid:6379/0")
    assert isinstance(client, Redis)
    assert not isinstance(client, FakeAsyncRedis)
    await client.aclose()
    storage = limiter_storage(RedisSettings(url="redis://cache.invalid:6379/0"), "p")
    assert isinstance(storage, RedisStorage)
