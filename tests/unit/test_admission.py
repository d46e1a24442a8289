"""Admission control: a bound on requests in the app, FIFO waiting, 503 past the limits."""

import asyncio
from collections.abc import Callable
from typing import cast

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from app.core.admission import UNQUEUED_PATHS, AdmissionMiddleware
from app.core.errors import ErrorType
from app.core.i18n import MessageKey, translate
from app.core.middleware import RequestContextMiddleware
from app.main import create_app
from app.settings import ServerSettings, Settings
from tests.envelope import assert_envelope


class Gate:
    """An ASGI app whose requests wait until opened; it records who got in, in order."""

    def __init__(self) -> None:
        self.opened = asyncio.Event()
        self.entered: list[str] = []
        self.inside = 0
        self.peak = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer 200 once the gate opens; the unqueued paths answer at once."""
        self.entered.append(scope["path"])
        self.inside += 1
        self.peak = max(self.peak, self.inside)
        try:
            if scope["path"] not in UNQUEUED_PATHS:
                await self.opened.wait()
        finally:
            self.inside -= 1
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})


async def until(check: Callable[[], bool]) -> None:
    """Let the loop run until `check()` is true (at most a second)."""
    for _ in range(1000):
        if check():
            return
        await asyncio.sleep(0.001)
    raise AssertionError("condition never held")


def admitted(
    gate: Gate, *, concurrency: int, queue: int = 100, timeout: float = 5.0
) -> AdmissionMiddleware:
    """The middleware in front of `gate` with these limits."""
    return AdmissionMiddleware(
        gate, max_concurrency=concurrency, max_queue=queue, queue_timeout=timeout
    )


def waiting(middleware: AdmissionMiddleware, count: int) -> Callable[[], bool]:
    """True once `count` requests wait in the middleware's queue."""
    return lambda: middleware.waiting == count


def client_for(middleware: AdmissionMiddleware) -> httpx.AsyncClient:
    """An in-process client on the middleware, behind the request context as in the app."""
    app = RequestContextMiddleware(middleware)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


async def test_at_most_max_concurrency_requests_are_inside_at_once() -> None:
    gate = Gate()
    middleware = admitted(gate, concurrency=3)
    async with client_for(middleware) as client:
        calls = [asyncio.create_task(client.get(f"/r{n}")) for n in range(10)]
        await until(lambda: middleware.waiting == 7)
        assert gate.inside == 3
        gate.opened.set()
        responses = await asyncio.gather(*calls)
    assert [response.status_code for response in responses] == [200] * 10
    assert gate.peak == 3
    assert (middleware.active, middleware.waiting) == (0, 0)


async def test_waiters_are_let_in_in_arrival_order() -> None:
    gate = Gate()
    middleware = admitted(gate, concurrency=1)
    async with client_for(middleware) as client:
        first = asyncio.create_task(client.get("/first"))
        await until(lambda: gate.entered == ["/first"])
        calls = []
        for n in range(8):
            calls.append(asyncio.create_task(client.get(f"/w{n}")))
            # Each one queued before the next is sent: their arrival order is known.
            await until(waiting(middleware, n + 1))
        gate.opened.set()
        await asyncio.gather(first, *calls)
    assert gate.entered == ["/first"] + [f"/w{n}" for n in range(8)]
    assert gate.peak == 1


async def test_a_full_queue_answers_503_with_retry_after_in_the_envelope() -> None:
    gate = Gate()
    middleware = admitted(gate, concurrency=1, queue=1)
    async with client_for(middleware) as client:
        inside = asyncio.create_task(client.get("/inside"))
        queued = asyncio.create_task(client.get("/queued"))
        await until(lambda: middleware.waiting == 1)
        shed = await client.get("/shed", headers={"Accept-Language": "hi"})
        gate.opened.set()
        served = await asyncio.gather(inside, queued)
    body = assert_envelope(shed, 503, ErrorType.SERVICE_UNAVAILABLE)
    assert body["message"] == translate(MessageKey.SERVER_BUSY, "hi")
    assert shed.headers["retry-after"] == "2"
    assert "/shed" not in gate.entered
    assert [response.status_code for response in served] == [200, 200]


async def test_a_wait_past_the_queue_timeout_answers_503_and_leaves_the_queue() -> None:
    gate = Gate()
    middleware = admitted(gate, concurrency=1, timeout=0.05)
    async with client_for(middleware) as client:
        inside = asyncio.create_task(client.get("/inside"))
        await until(lambda: gate.inside == 1)
        late = await client.get("/late")
        assert middleware.waiting == 0
        gate.opened.set()
        assert (await inside).status_code == 200
    body = assert_envelope(late, 503, ErrorType.SERVICE_UNAVAILABLE)
    assert body["message"] == translate(MessageKey.SERVER_BUSY, "en")
    assert late.headers["retry-after"] == "2"
    assert gate.entered == ["/inside"]
    assert (middleware.active, middleware.waiting) == (0, 0)


@pytest.mark.parametrize("path", ["/health/live", "/health/ready", "/metrics"])
async def test_probes_and_metrics_bypass_a_full_instance(path: str) -> None:
    gate = Gate()
    middleware = admitted(gate, concurrency=1, queue=0)
    async with client_for(middleware) as client:
        inside = asyncio.create_task(client.get("/inside"))
        await until(lambda: gate.inside == 1)
        assert (await client.get("/other")).status_code == 503
        assert (await client.get(path)).status_code == 200
        gate.opened.set()
        await inside
    assert path in gate.entered


async def test_a_waiter_cancelled_in_the_queue_frees_its_place() -> None:
    gate = Gate()
    middleware = admitted(gate, concurrency=1)
    async with client_for(middleware) as client:
        inside = asyncio.create_task(client.get("/inside"))
        await until(lambda: gate.inside == 1)
        gone = asyncio.create_task(client.get("/gone"))
        after = asyncio.create_task(client.get("/after"))
        await until(lambda: middleware.waiting == 2)
        gone.cancel()
        await until(lambda: middleware.waiting == 1)
        gate.opened.set()
        await asyncio.gather(inside, after)
    assert gate.entered == ["/inside", "/after"]
    assert (middleware.active, middleware.waiting) == (0, 0)


def _admission_options(settings: Settings) -> dict[str, object]:
    app = create_app(settings)
    [entry] = [m for m in app.user_middleware if cast(object, m.cls) is AdmissionMiddleware]
    return dict(entry.kwargs)


def test_the_app_admits_as_many_requests_as_the_sql_pool_holds(settings: Settings) -> None:
    database = settings.database
    options = _admission_options(settings)
    assert options["max_concurrency"] == database.pool_size + database.max_overflow
    assert (options["max_queue"], options["queue_timeout"]) == (1024, 30.0)


def test_configured_limits_reach_the_middleware(settings: Settings) -> None:
    server = ServerSettings(max_concurrency=7, max_queue=3, queue_timeout_seconds=1.5)
    options = _admission_options(settings.model_copy(update={"server": server}))
    assert (options["max_concurrency"], options["max_queue"], options["queue_timeout"]) == (
        7,
        3,
        1.5,
    )
