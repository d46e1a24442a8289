"""Keeping the embedded (`memory://`) Redis across development reloads, in a JSON file."""

import asyncio
import json
import logging
from contextlib import AsyncExitStack
from functools import partial
from pathlib import Path
from typing import Any

from app.database.embedded_state import keep_state, state_file, write_state
from app.database.redis import MEMORY_URL, RedisStore
from app.settings import DatabaseSettings

logger = logging.getLogger("app.database")
FILE_NAME = "redis.json"


async def keep_redis(stack: AsyncExitStack, redis: RedisStore, settings: DatabaseSettings) -> None:
    """Restore the embedded Redis from EMBEDDED_STATE_DIR now and save it back at shutdown."""
    path = state_file(settings, settings.redis_url, MEMORY_URL, FILE_NAME)
    load, save = partial(load_redis, redis), partial(save_redis, redis)
    await keep_state(stack, path, "embedded Redis", "keys", load, save)


async def save_redis(redis: RedisStore, path: Path) -> int:
    """Write every key of this app (value, type and time to live) to `path`; returns the count."""
    entries: list[dict[str, Any]] = []
    async for key in redis.client.scan_iter(match=f"{redis.prefix}*"):
        kind = await redis.client.type(key)
        entry = {"key": key, "type": kind, "ttl_ms": await redis.client.pttl(key)}
        if kind == "string":
            entry["value"] = await redis.client.get(key)
        elif kind == "hash":
            entry["value"] = await redis.client.hgetall(key)
        elif kind == "set":
            entry["value"] = sorted(await redis.client.smembers(key))
        elif kind == "zset":
            entry["value"] = await redis.client.zrange(key, 0, -1, withscores=True)
        elif kind == "list":
            entry["value"] = await redis.client.lrange(key, 0, -1)
        else:
            continue
        entries.append(entry)
    await write_state(path, json.dumps(entries))
    logger.info("embedded Redis: %d keys saved to %s", len(entries), path)
    return len(entries)


async def load_redis(redis: RedisStore, path: Path) -> int:
    """Put back the keys `save_redis` wrote; returns the count."""
    text = await asyncio.to_thread(path.read_text, encoding="utf-8")
    entries: list[dict[str, Any]] = json.loads(text)
    client = redis.client
    restored = 0
    for entry in entries:
        key, kind, value, ttl_ms = entry["key"], entry["type"], entry["value"], entry["ttl_ms"]
        if kind == "string":
            await client.set(key, value)
        elif kind == "hash":
            await client.hset(key, mapping=value)
        elif kind == "set":
            await client.sadd(key, *value)
        elif kind == "zset":
            await client.zadd(key, {member: score for member, score in value})
        elif kind == "list":
            await client.rpush(key, *value)
        # -1: no expiry. A positive value counts from the save; the reload takes a moment, so
        # a session is given the time it had left then.
        if ttl_ms > 0:
            await client.pexpire(key, ttl_ms)
        restored += 1
    return restored
