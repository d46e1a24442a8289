"""Faults on real servers: a backend goes away and comes back; nothing is half-written.

The shared servers are never stopped: Redis and MongoDB are cut off from one app by a
proxy the test controls, and PostgreSQL connections are ended with `pg_terminate_backend`
on this run's throwaway database only.
"""

import asyncio
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import APIRouter, FastAPI
from sqlalchemy import func, make_url, select, text
from sqlalchemy.ext.asyncio import create_async_engine

from app.api.users.repository import UserRepository
from app.core.envelope import Envelope, success
from app.core.errors import ErrorType
from app.database.sql import SQLDatabase
from app.depends import Lang, PostgresSession
from app.main import create_app
from app.models.postgres.users import User
from app.resources import resources_of
from app.settings import DatabaseSettings, Settings
from tests.behaviour.accounts import Accounts
from tests.behaviour.domain import clean_app_stores
from tests.envelope import assert_envelope
from tests.harness.backends import Backend
from tests.harness.proxy import TcpProxy
from tests.harness.servers import Servers

# Every wait below is bounded: a fault must surface as an answer, never as a hang.
ANSWER_SECONDS = 30


@asynccontextmanager
async def running(settings: Settings) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    """A fresh app on `settings` with its lifespan, and an in-process client for it."""
    app = create_app(settings)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            try:
                yield app, client
            finally:
                await clean_app_stores(app)


def with_database(settings: Settings, **changes: Any) -> Settings:
    """`settings` with some database URLs replaced."""
    fields = {name: getattr(settings.database, name) for name in DatabaseSettings.model_fields}
    return settings.model_copy(update={"database": DatabaseSettings(**(fields | changes))})


@asynccontextmanager
async def proxy_to(url: str) -> AsyncIterator[TcpProxy]:
    """A proxy in front of the server of `url`, closed afterwards."""
    proxy = await TcpProxy(*_host_port(url)).start()
    try:
        yield proxy
    finally:
        await proxy.close()


@asynccontextmanager
async def restored_at_exit(proxy: TcpProxy) -> AsyncIterator[None]:
    """Restore the proxy when the block ends, so the app's cleanup still reaches the server."""
    try:
        yield
    finally:
        proxy.restore()


def _host_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    default = {"redis": 6379, "mongodb": 27017}[parts.scheme]
    return parts.hostname or "127.0.0.1", parts.port or default


async def answer(call: Awaitable[httpx.Response]) -> httpx.Response:
    """The response, or a failure if it takes longer than any fault should."""
    return await asyncio.wait_for(call, ANSWER_SECONDS)


async def test_redis_cut_then_back_without_restart(
    settings: Settings, redis_backend: Backend
) -> None:
    async with proxy_to(redis_backend.require()) as proxy:
        changed = with_database(settings, redis_url=proxy.url_for(redis_backend.require()))
        async with running(changed) as (app, client), restored_at_exit(proxy):
            ann = await Accounts(client, app).user()
            assert_envelope(await answer(client.get("/api/v1/users/me", headers=ann.headers)), 200)

            proxy.cut()
            # Sessions live in Redis: an authenticated route fails closed, with the envelope.
            gone = await answer(client.get("/api/v1/users/me", headers=ann.headers))
            assert_envelope(gone, 503, ErrorType.SERVICE_UNAVAILABLE)
            # Routes that need no session still answer.
            assert_envelope(await answer(client.get("/api/v1/categories")), 200)
            assert_envelope(await answer(client.get("/api/v1/products")), 200)
            ready = await answer(client.get("/health/ready"))
            assert_envelope(ready, 503, ErrorType.SERVICE_UNAVAILABLE)

            proxy.restore()
            # Same process, same token: the session was never lost, only out of reach.
            back = await answer(client.get("/api/v1/users/me", headers=ann.headers))
            assert assert_envelope(back, 200)["data"]["username"] == ann.username


async def terminate_backends(admin_url: str, database: str) -> int:
    """End every server process connected to `database` (this run's throwaway one)."""
    engine = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            ended = await connection.scalars(
                text(
                    # The timeout (ms) makes the call wait until each process has exited.
                    "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": database},
            )
            return sum(1 for done in ended if done)
    finally:
        await engine.dispose()


@pytest.fixture
def postgres_admin(servers: Servers, postgres_backend: Backend) -> tuple[str, str]:
    """The admin URL of the PostgreSQL server and the name of this run's database on it."""
    url = postgres_backend.require()
    found = servers.get("postgres")
    assert not isinstance(found, str)
    return found.url, str(make_url(url).database)


async def test_postgres_connection_killed_between_requests(
    client: httpx.AsyncClient, postgres_admin: tuple[str, str]
) -> None:
    assert_envelope(await answer(client.get("/api/v1/categories")), 200)
    assert await terminate_backends(*postgres_admin) >= 1
    # Between requests: the driver reads the server's goodbye while the loop is idle, and the
    # checkout drops that connection for a new one, no error at all. (A request in the same
    # instant as the kill, before the socket is read, may get a 503: there is no pre-ping.)
    await asyncio.sleep(0.05)
    for _ in range(3):
        assert_envelope(await answer(client.get("/api/v1/categories")), 200)


router = APIRouter(prefix="/faults")


class Pause:
    """Holds a request between its two writes until the test has killed its connection."""

    def __init__(self) -> None:
        self.first_written = asyncio.Event()
        self.go_on = asyncio.Event()
        self.pid: int | None = None


PAUSES: dict[str, Pause] = {}


@router.post("/two-users/{name}")
async def write_two_users(name: str, session: PostgresSession, lang: Lang) -> Envelope[None]:
    users = UserRepository(session)
    await users.create(username=f"{name}a", email=f"{name}a@example.com", password_hash="h")
    pause = PAUSES[name]
    pause.pid = await session.scalar(text("SELECT pg_backend_pid()"))
    pause.first_written.set()
    await pause.go_on.wait()
    await users.create(username=f"{name}b", email=f"{name}b@example.com", password_hash="h")
    return success(None, lang)


async def count_users(database: SQLDatabase) -> int:
    async with database.sessions() as session:
        return await session.scalar(select(func.count()).select_from(User)) or 0


async def test_postgres_connection_killed_during_a_request(
    app: FastAPI, client: httpx.AsyncClient, postgres_admin: tuple[str, str]
) -> None:
    app.include_router(router)
    pause = PAUSES.setdefault("victim", Pause())
    try:
        request = asyncio.create_task(client.post("/faults/two-users/victim"))
        await asyncio.wait_for(pause.first_written.wait(), ANSWER_SECONDS)
        admin_url, _ = postgres_admin
        engine = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
        try:
            async with engine.connect() as connection:
                killed = await connection.scalar(
                    text("SELECT pg_terminate_backend(:pid)"), {"pid": pause.pid}
                )
        finally:
            await engine.dispose()
        assert killed
        pause.go_on.set()
        assert_envelope(await answer(request), 503, ErrorType.SERVICE_UNAVAILABLE)
    finally:
        PAUSES.pop("victim", None)
    # The first row was written inside the request's transaction: it went with it.
    assert await count_users(resources_of(app).backends.postgres) == 0
    # And the app carries on, on a fresh connection.
    assert_envelope(await answer(client.get("/api/v1/categories")), 200)


async def test_mongo_cut_products_503_auth_fine(settings: Settings, mongo_backend: Backend) -> None:
    url = mongo_backend.require()
    async with proxy_to(url) as proxy:
        direct = proxy.url_for(url)
        direct += ("&" if "?" in direct else "?") + "directConnection=true"
        changed = with_database(settings, mongo_url=direct)
        async with running(changed) as (app, client), restored_at_exit(proxy):
            ann = await Accounts(client, app).user()
            assert_envelope(await answer(client.get("/api/v1/products")), 200)
            proxy.cut()
            listing = await answer(client.get("/api/v1/products"))
            assert_envelope(listing, 503, ErrorType.SERVICE_UNAVAILABLE)
            # Auth lives in PostgreSQL and Redis; its audit trail does not hold it up.
            assert_envelope(await answer(client.get("/api/v1/users/me", headers=ann.headers)), 200)
            await Accounts(client, app).user()
            proxy.restore()
            assert_envelope(await answer(client.get("/api/v1/products")), 200)
