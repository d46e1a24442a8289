"""Probes every backend the app was configured with, concurrently, each under a timeout."""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Collection, Mapping

from app.api.health.schema import BackendHealth, BackendState

logger = logging.getLogger("app.health")

Probe = Callable[[], Awaitable[object]]


async def check_backends(
    probes: Mapping[str, Probe], limit_seconds: float, optional: Collection[str] = ()
) -> dict[str, BackendHealth]:
    """Run each probe, timed; one that raises or passes `limit_seconds` is down.

    An `optional` backend that fails is `degraded` instead: the instance serves without it.
    """

    async def run(name: str, probe: Probe) -> BackendHealth:
        started = time.perf_counter()
        state = BackendState.UP
        try:
            async with asyncio.timeout(limit_seconds):
                await probe()
        except Exception as exc:
            state = BackendState.DEGRADED if name in optional else BackendState.DOWN
            # A readiness probe must answer, not crash: the cause goes to the log only.
            logger.warning("backend %s is %s: %s", name, state.value, type(exc).__name__)
        latency = round((time.perf_counter() - started) * 1000, 2)
        return BackendHealth(state=state, latency_ms=latency)

    names = list(probes)
    states = await asyncio.gather(*(run(name, probes[name]) for name in names))
    return dict(zip(names, states, strict=True))
