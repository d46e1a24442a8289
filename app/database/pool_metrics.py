"""Connection pool gauges, sampled per worker (SQL waiters are counted by `sql_pool.py`)."""

import asyncio
import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import redis.asyncio
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.metrics import (
    REDIS_POOL_IDLE,
    REDIS_POOL_IN_USE,
    SQL_POOL_IN_USE,
    worker_stopped,
)

logger = logging.getLogger("app.metrics")


def sample_pools(engines: Mapping[str, AsyncEngine], redis_client: redis.asyncio.Redis) -> None:
    """Copy the pools' current sizes into the gauges (this worker's share)."""
    for role, engine in engines.items():
        checkedout = getattr(engine.pool, "checkedout", None)
        if checkedout is not None:
            SQL_POOL_IN_USE.labels(role).set(checkedout())
    count = getattr(redis_client.connection_pool, "get_connection_count", None)
    if count is not None:
        # redis-py >= 8: [(idle, attributes), (in use, attributes)].
        idle, in_use = (number for number, _ in count())
        REDIS_POOL_IDLE.set(idle)
        REDIS_POOL_IN_USE.set(in_use)


@asynccontextmanager
async def pool_sampler(
    engines: Mapping[str, AsyncEngine], redis_client: redis.asyncio.Redis, interval: float
) -> AsyncIterator[None]:
    """Sample the pools every `interval` seconds for the lifespan (per worker, not per request).

    As the lifespan ends, the worker's live gauges leave the multiprocess sums.
    """

    async def run() -> None:
        while True:
            try:
                sample_pools(engines, redis_client)
            except Exception as exc:  # a gauge must never take the worker down
                logger.warning("pool sample failed: %s", type(exc).__name__)
            await asyncio.sleep(interval)

    task: asyncio.Task[Any] = asyncio.create_task(run(), name="pool-sampler")
    try:
        yield
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        worker_stopped()
