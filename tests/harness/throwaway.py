"""Throwaway databases and key prefixes: created per run under a random name, then dropped."""

import re
import secrets
import time
from typing import Any

import redis.asyncio
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import create_async_engine

# Everything a run creates starts with this, so it is recognisable (and never existing data).
PREFIX = "fusion_test_"


# Runs on shared servers overlap; a run's names carry its start time, so a name younger than
# the longest run (CI's 30-minute job limit) may be another run still going, not a leak.
MAX_RUN_SECONDS = 30 * 60
_STAMPED = re.compile(rf"{PREFIX}(?P<stamp>[0-9a-f]{{8}})_[0-9a-f]{{8}}")


def new_name() -> str:
    """A fresh name for this run's databases and keys: its start time, then random hex."""
    return f"{PREFIX}{int(time.time()):08x}_{secrets.token_hex(4)}"


def may_be_running(name: str, now: float | None = None) -> bool:
    """Whether `name` (or a key under it) is another run's that may still be going."""
    match = _STAMPED.match(name)
    if match is None:
        # Unstamped: a run of an older checkout, maybe going on right now on these shared
        # servers. It cannot be judged here; every run's session-end check proves its own gone.
        return True
    age = (time.time() if now is None else now) - int(match["stamp"], 16)
    return -60 < age < MAX_RUN_SECONDS


def check_name(name: str) -> str:
    """`name` itself, if it is one this harness made; otherwise refuse to go on."""
    if not name.startswith(PREFIX) or not name.replace("_", "").isalnum():
        raise ValueError(f"refusing to touch {name!r}: not a throwaway name")
    return name


def _quote(url: str, name: str) -> str:
    check_name(name)
    quote = '"' if make_url(url).get_backend_name() == "postgresql" else "`"
    return f"{quote}{name}{quote}"


def database_url(admin_url: str, name: str) -> str:
    """`admin_url` pointed at the database `name` (password kept)."""
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


async def _execute_admin(admin_url: str, statement: str) -> list[Any]:
    # CREATE/DROP DATABASE cannot run inside a transaction on PostgreSQL.
    engine = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            result = await connection.execute(text(statement))
            return list(result.scalars()) if result.returns_rows else []
    finally:
        await engine.dispose()


async def create_sql_database(admin_url: str, name: str) -> str:
    """Create the empty database `name` on the server; its URL."""
    suffix = (
        "" if make_url(admin_url).get_backend_name() == "postgresql" else " CHARACTER SET utf8mb4"
    )
    await _execute_admin(admin_url, f"CREATE DATABASE {_quote(admin_url, name)}{suffix}")
    return database_url(admin_url, name)


async def drop_sql_database(admin_url: str, name: str) -> None:
    """Drop the database `name` (PostgreSQL: even if a connection lingers)."""
    force = " WITH (FORCE)" if make_url(admin_url).get_backend_name() == "postgresql" else ""
    await _execute_admin(admin_url, f"DROP DATABASE IF EXISTS {_quote(admin_url, name)}{force}")


async def sql_databases(admin_url: str) -> list[str]:
    """Names of the throwaway databases present on the server."""
    if make_url(admin_url).get_backend_name() == "postgresql":
        query = "SELECT datname FROM pg_database"
    else:
        query = "SELECT schema_name FROM information_schema.schemata"
    return [name for name in await _execute_admin(admin_url, query) if name.startswith(PREFIX)]


async def delete_redis_keys(client: redis.asyncio.Redis, prefix: str) -> int:
    """Delete every key under `prefix` with SCAN (never KEYS, which blocks the server)."""
    check_name(prefix.rstrip(":"))
    deleted = 0
    batch: list[str] = []
    async for key in client.scan_iter(match=f"{prefix}*", count=500):
        batch.append(key)
        if len(batch) >= 500:
            deleted += await client.unlink(*batch)
            batch.clear()
    if batch:
        deleted += await client.unlink(*batch)
    return deleted


async def count_redis_keys(client: redis.asyncio.Redis, prefix: str) -> int:
    """How many keys exist under `prefix` (by SCAN)."""
    return len([key async for key in client.scan_iter(match=f"{prefix}*", count=500)])
