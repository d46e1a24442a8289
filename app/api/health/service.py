"""Probes every backend the app was configured with, concurrently, each under a timeout."""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping

from app.api.health.schema import BackendState

logger = logging.getLogger("app.health")

Probe = Callable[[], Awaitable[object]]


async def check_backends(
    probes: Mapping[str, Probe], limit_seconds: float
) -> dict[str, BackendState]:
    """Run each probe; a probe that raises or passes `limit_seconds` marks its backend down."""

    async def run(name: str, probe: Probe) -> BackendState:
        try:
            async with asyncio.timeout(limit_seconds):
                await probe()
        except Exception as exc:
            # A readiness probe must answer, not crash: the cause goes to the log only.
            logger.warning("backend %s is down: %s", name, type(exc).__name__)
            return BackendState.DOWN
        return BackendState.UP

    names = list(probes)
    states = await asyncio.gather(*(run(name, probes[name]) for name in names))
    return dict(zip(names, states, strict=True))
