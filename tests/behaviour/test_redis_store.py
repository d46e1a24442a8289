"""The Redis store on fakeredis (fake) or Redis (real)."""

from app.database.redis import RedisStore


async def test_keys_carry_the_prefix(redis_store: RedisStore) -> None:
    key = redis_store.key("session", "abc")
    assert key == f"{redis_store.prefix}session:abc"
    await redis_store.client.set(key, "value", ex=60)
    assert await redis_store.client.get(key) == "value"
    assert 0 < await redis_store.client.ttl(key) <= 60


async def test_ping(redis_store: RedisStore) -> None:
    await redis_store.ping()
    assert await redis_store.client.ping()
