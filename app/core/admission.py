"""Admission control: at most N requests inside the app per worker, the rest wait in order.

Hundreds of concurrent requests racing for a pool of 15 connections time out unfairly (the
pool serves its waiters in no particular order). Here they queue first, first come first
served, so the pool sees at most N callers. Past the queue limit, or after waiting too long,
a request gets the 503 envelope with `Retry-After`: the instance sheds load it cannot serve.
Probes and `/metrics` skip the queue: an overloaded instance is alive and must say so.
"""

import asyncio
import logging
from collections import deque
from collections.abc import Iterable

from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.envelope import scope_language
from app.core.errors import UNAVAILABLE_RETRY_AFTER, ErrorType
from app.core.handlers import envelope_response
from app.core.i18n.keys import MessageKey

logger = logging.getLogger("app.admission")

# Answered whatever the load: liveness, readiness and the scrape that shows the overload.
UNQUEUED_PATHS = frozenset({"/health/live", "/health/ready", "/metrics"})


class AdmissionMiddleware:
    """Lets `max_concurrency` requests in at once; up to `max_queue` wait in arrival order.

    A waiter that is not let in within `queue_timeout` seconds, or that finds the queue full,
    is answered 503 with `Retry-After`. Paths in `unqueued` are never held back.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_concurrency: int,
        max_queue: int,
        queue_timeout: float,
        unqueued: Iterable[str] = UNQUEUED_PATHS,
    ) -> None:
        self.app = app
        self.max_concurrency = max_concurrency
        self.max_queue = max_queue
        self.queue_timeout = queue_timeout
        self.unqueued = frozenset(unqueued)
        self._free = max_concurrency
        # Each waiter's future resolves True when a finishing request hands it its slot,
        # False when its wait expired.
        self._waiters: deque[asyncio.Future[bool]] = deque()

    @property
    def active(self) -> int:
        """Requests inside the app now."""
        return self.max_concurrency - self._free

    @property
    def waiting(self) -> int:
        """Requests queued for a slot now."""
        return len(self._waiters)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one ASGI connection."""
        if scope["type"] != "http" or scope["path"] in self.unqueued:
            await self.app(scope, receive, send)
            return
        # The hot path: a free slot and nobody ahead takes it with no allocation at all.
        if self._free > 0 and not self._waiters:
            self._free -= 1
        elif not await self._wait_for_slot():
            await self._shed(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self._release()

    async def _wait_for_slot(self) -> bool:
        # True once a slot is ours; False when the queue is full or the wait expired.
        if len(self._waiters) >= self.max_queue:
            return False
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[bool] = loop.create_future()
        self._waiters.append(waiter)
        timer = loop.call_later(self.queue_timeout, self._expire, waiter)
        try:
            return await waiter
        except BaseException:
            # Cancelled while queued (the client left, the server stops): a slot handed to
            # us in the meantime goes to the next waiter, and we leave the queue.
            if waiter.done() and not waiter.cancelled() and waiter.result():
                self._release()
            elif waiter in self._waiters:
                self._waiters.remove(waiter)
            raise
        finally:
            timer.cancel()

    def _expire(self, waiter: asyncio.Future[bool]) -> None:
        if not waiter.done():
            self._waiters.remove(waiter)
            waiter.set_result(False)

    def _release(self) -> None:
        # The slot passes straight to the longest waiter, so a newcomer cannot overtake it.
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(True)
                return
        self._free += 1

    async def _shed(self, scope: Scope, receive: Receive, send: Send) -> None:
        logger.warning(
            "overloaded: %d requests active, %d waiting; answered 503",
            self.active,
            self.waiting,
        )
        response = envelope_response(
            ErrorType.SERVICE_UNAVAILABLE,
            scope_language(scope),
            MessageKey.SERVER_BUSY,
            headers=UNAVAILABLE_RETRY_AFTER,
        )
        await response(scope, receive, send)
