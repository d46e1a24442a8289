"""Which limiter storage auth builds for a `REDIS_URL` (nothing connects)."""

from limits.aio.storage import MemoryStorage, RedisStorage

from app.api.auth.ratelimit import limiter_storage


def test_memory_url_keeps_counters_in_process() -> None:
    assert isinstance(limiter_storage("memory://", "p"), MemoryStorage)


def test_server_url_builds_a_lazy_redis_storage() -> None:
    # Construction must not connect: the unit tier forbids sockets, so this would fail if it did.
    assert isinstance(limiter_storage("redis://cache.invalid:6379/0", "p"), RedisStorage)
