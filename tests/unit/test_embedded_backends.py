"""The embedded defaults: SQLite files set up like a server, Redis in memory."""

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

import aiosqlite
import httpx
import pytest
from asgi_lifespan import LifespanManager
from fakeredis import FakeAsyncRedis, FakeServer
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from app.core.errors import ErrorType
from app.database.redis import RedisStore
from app.database.session import unit_of_work
from app.database.sql import SQLDatabase, create_sql_database
from app.main import create_app
from app.resources import attach_resources, resources_of
from app.settings import AppSettings, DatabaseSettings, Environment, Settings
from tests.envelope import assert_envelope


async def test_sqlite_enforces_foreign_keys(postgres_db: SQLDatabase) -> None:
    async with postgres_db.engine.begin() as connection:
        await connection.execute(text("CREATE TEMP TABLE parent (id INTEGER PRIMARY KEY)"))
        await connection.execute(
            text("CREATE TEMP TABLE child (parent_id INTEGER REFERENCES parent(id))")
        )
        with pytest.raises(IntegrityError):
            await connection.execute(text("INSERT INTO child VALUES (42)"))


async def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(postgres_db: SQLDatabase) -> None:
    async with postgres_db.engine.connect() as connection:
        assert (await connection.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await connection.execute(text("PRAGMA busy_timeout"))).scalar() == 5000


async def test_bare_machine_defaults_migrate_at_startup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in (
        "POSTGRES_URL",
        # fusion:mysql begin
        "MYSQL_URL",
        # fusion:mysql end
        # fusion:mongo begin
        "MONGO_URL",
        # fusion:mongo end
        "REDIS_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    app = create_app(Settings(app=AppSettings(environment=Environment.TEST)))
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            body = assert_envelope(await client.get("/health/ready"), 200, ErrorType.SUCCESS)
    assert {health["state"] for health in body["data"]["backends"].values()} == {"up"}
    assert (tmp_path / "var" / "postgres.sqlite3").is_file()
    # fusion:mysql begin
    assert (tmp_path / "var" / "mysql.sqlite3").is_file()
    # fusion:mysql end


async def test_ready_is_503_when_redis_is_down(app: FastAPI, client: httpx.AsyncClient) -> None:
    server = FakeServer()
    server.connected = False
    resources = resources_of(app)
    probes = {**resources.probes, "redis": RedisStore(FakeAsyncRedis(server=server), "x:").ping}
    attach_resources(app, replace(resources, probes=probes))
    body = assert_envelope(await client.get("/health/ready"), 503, ErrorType.SERVICE_UNAVAILABLE)
    assert body["data"]["backends"]["redis"]["state"] == "down"
    assert body["data"]["backends"]["postgres"]["state"] == "up"


@pytest.fixture
async def scratch_db(tmp_path: Path) -> AsyncIterator[SQLDatabase]:
    """An embedded database of its own: these tests make tables the schema tests must not see."""
    database = create_sql_database(
        "scratch", f"sqlite+aiosqlite:///{tmp_path / 'scratch.sqlite3'}", DatabaseSettings()
    )
    try:
        yield database
    finally:
        await database.engine.dispose()


async def test_a_read_only_unit_of_work_takes_one_thread_hop(
    scratch_db: SQLDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    hops: list[str] = []
    # aiosqlite leaves it unannotated: every call on the connection's thread goes through it.
    on_thread = cast(Callable[..., Awaitable[Any]], aiosqlite.Connection._execute)

    async def counted(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hops.append(getattr(fn, "__name__", repr(fn)))
        return await on_thread(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    for round_ in range(3):
        async with unit_of_work(scratch_db) as session:
            rows = (await session.execute(text("SELECT 42 UNION ALL SELECT 43"))).all()
        assert [row[0] for row in rows] == [42, 43]
        if round_ == 0:  # the first connect also sets the connection up
            hops.clear()
    # Twice more from the pool: the statement and its rows in one hop each; no pre-ping,
    # no cursor round trips, no commit or rollback with no transaction open.
    assert hops == ["_run", "_run"]


async def test_a_write_commits_and_a_failed_one_rolls_back(scratch_db: SQLDatabase) -> None:
    async with scratch_db.engine.begin() as connection:
        await connection.execute(text("CREATE TABLE IF NOT EXISTS hop_probe (x INTEGER)"))
    async with unit_of_work(scratch_db) as session:
        await session.execute(text("INSERT INTO hop_probe VALUES (1)"))

    async def failing_write() -> None:
        async with unit_of_work(scratch_db) as session:
            await session.execute(text("INSERT INTO hop_probe VALUES (2)"))
            raise RuntimeError

    with pytest.raises(RuntimeError):
        await failing_write()
    async with scratch_db.engine.connect() as connection:
        values = (await connection.execute(text("SELECT x FROM hop_probe"))).scalars().all()
    assert values == [1]


async def test_streamed_rows_arrive_in_order(scratch_db: SQLDatabase) -> None:
    query = text(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 250)"
        " SELECT i FROM n"
    )
    async with scratch_db.engine.connect() as connection:
        result = await connection.stream(query)
        first = await result.fetchmany(3)
        rest = [row[0] async for row in result]
    assert [row[0] for row in first] == [1, 2, 3]
    assert rest == list(range(4, 251))


async def test_a_connection_returned_inside_a_transaction_is_rolled_back(
    scratch_db: SQLDatabase,
) -> None:
    async with scratch_db.engine.begin() as connection:
        await connection.execute(text("CREATE TABLE IF NOT EXISTS pool_probe (x INTEGER)"))
    async with scratch_db.engine.connect() as connection:
        raw = await connection.get_raw_connection()
        driver = raw.driver_connection
        assert isinstance(driver, aiosqlite.Connection)
        # A write SQLAlchemy does not know of: only the pool's reset can end its transaction.
        await driver.execute("INSERT INTO pool_probe VALUES (1)")
        assert driver.in_transaction
    assert not driver.in_transaction
    async with scratch_db.engine.connect() as connection:
        count = (await connection.execute(text("SELECT count(*) FROM pool_probe"))).scalar()
    assert count == 0
