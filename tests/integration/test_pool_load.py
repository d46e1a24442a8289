"""Small pools under load on real servers: callers wait (every answer 2xx), connections are
reused, reads open no transaction, and a dead connection is replaced unseen."""

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import bindparam, event, func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, create_async_engine

from app.core.errors import ServiceUnavailableError
from app.database import sql
from app.database.postgres import create_postgres
from app.database.session import read_retrying, read_row, read_rows, unit_of_work
from app.database.sql import SQLDatabase
from app.models.postgres.users import User
from app.resources import resources_of
from app.settings import DatabaseSettings, Settings
from tests.behaviour.accounts import Accounts, unique
from tests.behaviour.domain import clean_app_stores
from tests.harness.backends import Backend
from tests.harness.fixtures import MakeSettings

CONCURRENT = 60
# now() is the start of the statement's transaction: two statements apart in time read the
# same now() only when they share a transaction.
NOW = select(func.now())
PAUSE = 0.02


@pytest.fixture
def settings(make_settings: MakeSettings, database_settings: DatabaseSettings) -> Settings:
    """The app on pools of two connections (SQL and Redis alike), no overflow."""
    small = database_settings.model_copy(update={"pool_size": 2, "max_overflow": 0})
    return make_settings(database=small)


@pytest.fixture
async def served(
    app: FastAPI, client: httpx.AsyncClient, postgres_backend: Backend, redis_backend: Backend
) -> AsyncIterator[httpx.AsyncClient]:
    """The running app on real PostgreSQL and Redis; its Redis sessions go after the test."""
    postgres_backend.require()
    redis_backend.require()
    yield client
    await clean_app_stores(app)


async def test_many_concurrent_requests_through_pools_of_two_all_succeed(
    app: FastAPI, served: httpx.AsyncClient
) -> None:
    user = await Accounts(served, app).user()
    calls = [served.get("/api/v1/users/me", headers=user.headers) for _ in range(CONCURRENT)]
    calls += [served.get("/api/v1/categories") for _ in range(CONCURRENT)]
    responses = await asyncio.gather(*calls)
    assert Counter(response.status_code for response in responses) == {200: 2 * CONCURRENT}


async def test_a_steady_load_opens_no_new_postgres_connection(
    app: FastAPI, served: httpx.AsyncClient
) -> None:
    user = await Accounts(served, app).user()
    database: SQLDatabase = resources_of(app).backends.postgres
    pool = database.engine.sync_engine.pool

    async def wave() -> Counter[int]:
        calls = [served.get("/api/v1/users/me", headers=user.headers) for _ in range(10)]
        return Counter(response.status_code for response in await asyncio.gather(*calls))

    # Both of the pool's connections open first: a cheap request may leave one unused by a
    # first wave, and opening it later would be growth to the pool's size, not churn.
    async with database.engine.connect(), database.engine.connect():
        pass
    assert pool.checkedin() == 2  # type: ignore[attr-defined]
    assert await wave() == {200: 10}
    opened: list[object] = []

    def count(*_: Any) -> None:
        opened.append(None)

    event.listen(pool, "connect", count)
    try:
        statuses = sum([await wave() for _ in range(10)], Counter[int]())
    finally:
        event.remove(pool, "connect", count)
    assert statuses == {200: 100}
    assert opened == []


@pytest.fixture
async def postgres(postgres_backend: Backend) -> AsyncIterator[SQLDatabase]:
    """The run's PostgreSQL database through the app's engine, on a pool of one connection."""
    settings = DatabaseSettings(
        postgres_url=postgres_backend.require(), pool_size=1, max_overflow=0
    )
    database = create_postgres(settings)
    yield database
    await database.engine.dispose()


async def _in_one_transaction(session: AsyncSession | AsyncConnection) -> bool:
    before = await session.scalar(NOW)
    await asyncio.sleep(PAUSE)
    return bool(before == await session.scalar(NOW))


def _user(username: str) -> User:
    return User(username=username, email=f"{username}@example.com", password_hash="x")


async def test_reads_run_without_a_transaction_until_the_first_write(
    postgres: SQLDatabase,
) -> None:
    async with unit_of_work(postgres) as session:
        assert not await _in_one_transaction(session)
        session.add(_user(unique("lazy")))
        await session.flush()
        assert await _in_one_transaction(session)


async def test_a_failure_after_a_write_rolls_back_the_write(postgres: SQLDatabase) -> None:
    username = unique("rolled")

    async def failing_request() -> None:
        async with unit_of_work(postgres) as session:
            await session.scalar(select(func.count()).select_from(User))
            session.add(_user(username))
            await session.flush()
            raise RuntimeError("the request fails after its write")

    with pytest.raises(RuntimeError):
        await failing_request()
    async with postgres.sessions() as session:
        assert await session.scalar(select(User).where(User.username == username)) is None


async def test_a_locking_read_opens_the_transaction(postgres: SQLDatabase) -> None:
    async with unit_of_work(postgres) as session:
        user = _user(unique("locked"))
        session.add(user)
    async with unit_of_work(postgres) as session:
        await session.execute(select(User).where(User.id == user.id).with_for_update())
        # Outside a transaction the row lock would already be gone.
        assert await _in_one_transaction(session)


async def test_the_connection_goes_back_to_the_pool_transactional(postgres: SQLDatabase) -> None:
    async with postgres.sessions() as session:
        assert not await _in_one_transaction(session)
    # The pool's only connection again: plain engine users get a transaction as before.
    async with postgres.engine.connect() as connection:
        assert await _in_one_transaction(connection)


async def _terminate(url: str, pid: int) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            for _ in range(100):
                query = text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid")
                if not await connection.scalar(query, {"pid": pid}):
                    return
                await asyncio.sleep(0.02)
    finally:
        await engine.dispose()


async def _backend_pid(database: SQLDatabase) -> int:
    async with unit_of_work(database) as session:
        return int(await session.scalar(select(func.pg_backend_pid())) or 0)


async def _kill_unnoticed(
    postgres: SQLDatabase, postgres_backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> int:
    """Kill the pool's connection as a network cut would (only its next use fails); its pid."""
    monkeypatch.setattr(sql, "closed_by_server", lambda dbapi_connection: False)
    first = await _backend_pid(postgres)
    await _terminate(postgres_backend.require(), first)
    return first


async def test_a_dead_idle_connection_is_replaced_at_checkout(
    postgres: SQLDatabase, postgres_backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sql, "IDLE_PING_SECONDS", 0.0)  # every checkout counts as idle
    first = await _backend_pid(postgres)
    await _terminate(postgres_backend.require(), first)
    assert await _backend_pid(postgres) not in (0, first)


async def test_a_read_on_a_dead_connection_runs_again_on_a_fresh_one(
    postgres: SQLDatabase, postgres_backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await _kill_unnoticed(postgres, postgres_backend, monkeypatch)
    attempts: list[int] = []

    async def read(session: AsyncSession) -> int:
        attempts.append(len(attempts))
        return int(await session.scalar(select(func.pg_backend_pid())) or 0)

    assert await read_retrying(postgres, read) not in (0, first)
    assert len(attempts) == 2  # the first ran on the dead connection (no ping), and failed


async def test_a_watched_row_read_sends_no_begin(postgres: SQLDatabase) -> None:
    # A listener on the engine's statements: the read goes through SQLAlchemy's execution.
    in_transaction: list[bool] = []

    def after(connection: Any, *_: Any) -> None:
        in_transaction.append(connection.connection.driver_connection.is_in_transaction())

    event.listen(postgres.engine.sync_engine, "after_cursor_execute", after)
    try:
        row = await read_row(postgres, select(func.pg_backend_pid().label("pid")), {})
        # The connection went back transactional: a plain engine user still gets BEGIN.
        async with postgres.engine.connect() as connection:
            await connection.scalar(NOW)
    finally:
        event.remove(postgres.engine.sync_engine, "after_cursor_execute", after)
    assert row is not None
    assert in_transaction == [False, True]


async def test_a_row_read_on_a_dead_connection_runs_again_on_a_fresh_one(
    postgres: SQLDatabase, postgres_backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await _kill_unnoticed(postgres, postgres_backend, monkeypatch)
    row = await read_row(postgres, select(func.pg_backend_pid().label("pid")), {})
    assert row is not None
    assert row["pid"] not in (0, first)


def _transactions_opened(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every asyncpg transaction opened from now on (SQLAlchemy's BEGIN goes through it)."""
    opened: list[object] = []
    original = asyncpg.connection.Connection.transaction

    def recording(self: asyncpg.Connection, **options: Any) -> Any:
        opened.append(options)
        return original(self, **options)

    monkeypatch.setattr(asyncpg.connection.Connection, "transaction", recording)
    return opened


async def test_a_row_read_runs_on_the_driver_as_the_core_path_would(
    postgres: SQLDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with unit_of_work(postgres) as session:
        user = _user(unique("driver"))
        session.add(user)
    by_id = select(*User.__table__.columns).where(User.__table__.c.id == bindparam("id"))
    opened = _transactions_opened(monkeypatch)
    direct = await read_row(postgres, by_id, {"id": user.id})
    assert opened == []  # no BEGIN, nor anything else around the one SELECT
    statements: list[str] = []

    def watch(connection: Any, cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(postgres.engine.sync_engine, "before_cursor_execute", watch)
    try:
        watched = await read_row(postgres, by_id, {"id": user.id})
    finally:
        event.remove(postgres.engine.sync_engine, "before_cursor_execute", watch)
    assert len(statements) == 1  # watched: the statement went through SQLAlchemy
    assert direct == watched
    assert direct is not None
    assert direct["created_at"].tzinfo is UTC  # the column type's conversion still applies
    assert await read_row(postgres, by_id, {"id": -1}) is None
    # A plain engine user still gets its transaction.
    async with postgres.engine.connect() as connection:
        await connection.scalar(NOW)
    assert len(opened) == 1


async def test_listing_rows_run_on_the_driver_as_the_core_path_would(
    postgres: SQLDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    prefix = unique("rows")
    async with unit_of_work(postgres) as session:
        session.add_all([_user(f"{prefix}{index}") for index in range(3)])
    table = User.__table__
    listing = (
        select(table.c.username, table.c.created_at)
        .where(table.c.username.startswith(bindparam("prefix")))
        .order_by(table.c.username)
        .limit(bindparam("limit"))
    )
    opened = _transactions_opened(monkeypatch)
    async with postgres.engine.connect() as connection:
        direct = await read_rows(connection, listing, {"prefix": prefix, "limit": 2})
        event.listen(postgres.engine.sync_engine, "before_cursor_execute", _ignore)
        try:
            watched = await read_rows(connection, listing, {"prefix": prefix, "limit": 2})
        finally:
            event.remove(postgres.engine.sync_engine, "before_cursor_execute", _ignore)
        await connection.rollback()
    assert len(opened) == 1  # only the watched run began one: the driver read sent no BEGIN
    assert [row["username"] for row in direct] == [f"{prefix}0", f"{prefix}1"]
    assert direct == watched
    assert direct[0]["created_at"].tzinfo is UTC


def _ignore(*_: Any) -> None:
    """A statement listener that does nothing: its presence alone changes the read's path."""


async def test_listing_rows_on_a_dead_connection_are_a_503_and_the_pool_drops_it(
    postgres: SQLDatabase, postgres_backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await _kill_unnoticed(postgres, postgres_backend, monkeypatch)
    pid = select(func.pg_backend_pid().label("pid"))
    with pytest.raises(ServiceUnavailableError):
        async with unit_of_work(postgres) as session:
            await read_rows(await session.connection(), pid, {})
    async with unit_of_work(postgres) as session:
        rows = await read_rows(await session.connection(), pid, {})
    assert rows[0]["pid"] not in (0, first)
