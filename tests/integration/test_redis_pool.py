"""The Redis pool on a real server: a busy pool waits for a connection, within a bound."""

import asyncio
import time

import pytest
import redis.asyncio
import redis.exceptions

from app.database.redis import is_unavailable
from app.database.redis_urls import client_for, connection_pool
from tests.harness.backends import Backend

HOLD_SECONDS = 0.5


def _client(url: str, wait_seconds: float) -> "redis.asyncio.Redis":
    pool = connection_pool(
        url, max_connections=1, wait_seconds=wait_seconds, socket_timeout=5, decode_responses=True
    )
    return client_for(pool)


async def _hold(client: "redis.asyncio.Redis", run_name: str) -> None:
    # BLPOP on an empty list keeps the pool's only connection busy for HOLD_SECONDS.
    await client.blpop([f"{run_name}:pool-test:empty"], timeout=HOLD_SECONDS)


async def test_a_second_command_waits_for_the_only_connection(
    redis_backend: Backend, run_name: str
) -> None:
    client = _client(redis_backend.require(), wait_seconds=5)
    try:
        await client.ping()  # the connection exists before the race starts
        holding = asyncio.create_task(_hold(client, run_name))
        await asyncio.sleep(0.05)
        started = time.monotonic()
        assert await client.ping() is True
        waited = time.monotonic() - started
        await holding
    finally:
        await client.aclose()
    assert waited >= HOLD_SECONDS * 0.6


async def test_the_wait_ends_in_an_unavailable_error(redis_backend: Backend, run_name: str) -> None:
    client = _client(redis_backend.require(), wait_seconds=0.1)
    try:
        await client.ping()
        holding = asyncio.create_task(_hold(client, run_name))
        await asyncio.sleep(0.05)
        with pytest.raises(redis.exceptions.ConnectionError) as raised:
            await client.ping()
        await holding
    finally:
        await client.aclose()
    assert is_unavailable(raised.value)
