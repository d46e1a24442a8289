"""Which limiter storage auth builds for a `REDIS_URL` (nothing connects)."""

from limits.aio.storage import MemoryStorage, RedisStorage
from pydantic import SecretStr

from app.api.auth.ratelimit import limiter_storage
from app.settings import DatabaseSettings


def test_memory_url_keeps_counters_in_process() -> None:
    assert isinstance(
        limiter_storage(DatabaseSettings(redis_url=SecretStr("memory://")), "p"), MemoryStorage
    )


def test_server_url_builds_a_lazy_redis_storage() -> None:
    # Construction must not connect: the unit tier forbids sockets, so this would fail if it did.
    for url in (
        "redis://cache.invalid:6379/0",
        "rediss://cache.invalid:6380/0",
        "redis+sentinel://s1.invalid:26379,s2.invalid/primary/0",
    ):
        settings = DatabaseSettings(redis_url=SecretStr(url))
        assert isinstance(limiter_storage(settings, "p"), RedisStorage)
