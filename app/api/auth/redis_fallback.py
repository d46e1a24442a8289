"""TEMPORARY until the data layer lands: a Redis client for auth when the lifespan has none.

The data-layer branch owns `app/database/redis.py` and creates `app.state.redis` in the
lifespan; once it does, `auth_resources` finds the client there and this module goes.
"""

from fakeredis import FakeAsyncRedis
from redis.asyncio import Redis

EMBEDDED_SCHEME = "memory://"


def open_redis(url: str) -> "Redis":
    """The embedded fake for `memory://`, else a lazy client for a real server (no I/O yet)."""
    if url.startswith(EMBEDDED_SCHEME):
        return FakeAsyncRedis()
    return Redis.from_url(url)
