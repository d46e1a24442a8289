"""The embedded defaults: SQLite files set up like a server, Redis in memory."""

from pathlib import Path

import aiosqlite
import httpx
import pytest
from asgi_lifespan import LifespanManager
from fakeredis import FakeAsyncRedis, FakeServer
from fastapi import FastAPI
from sqlalchemy import event, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import PoolResetState

from app.core.errors import ErrorType
from app.database.redis import RedisStore
from app.database.session import unit_of_work
from app.database.sql import SQLDatabase
from app.database.sqlite import reset_if_in_transaction
from app.main import create_app
from app.settings import AppSettings, Environment, Settings
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
    for name in ("POSTGRES_URL", "MYSQL_URL", "MONGO_URL", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    app = create_app(Settings(app=AppSettings(environment=Environment.TEST)))
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            body = assert_envelope(await client.get("/health/ready"), 200, ErrorType.SUCCESS)
    assert set(body["data"]["backends"].values()) == {"up"}
    assert (tmp_path / "var" / "postgres.sqlite3").is_file()
    assert (tmp_path / "var" / "mysql.sqlite3").is_file()


async def test_ready_is_503_when_redis_is_down(app: FastAPI, client: httpx.AsyncClient) -> None:
    server = FakeServer()
    server.connected = False
    app.state.probes["redis"] = RedisStore(FakeAsyncRedis(server=server), "x:").ping
    body = assert_envelope(await client.get("/health/ready"), 503, ErrorType.SERVICE_UNAVAILABLE)
    assert body["data"]["backends"]["redis"] == "down"
    assert body["data"]["backends"]["postgres"] == "up"


async def test_a_read_only_unit_of_work_neither_pings_nor_rolls_back(
    postgres_db: SQLDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    statements: list[str] = []
    rollbacks: list[object] = []
    rollback = aiosqlite.Connection.rollback

    async def counted_rollback(self: aiosqlite.Connection) -> None:
        rollbacks.append(self)
        await rollback(self)

    monkeypatch.setattr(aiosqlite.Connection, "rollback", counted_rollback)
    event.listen(
        postgres_db.engine.sync_engine,
        "before_cursor_execute",
        lambda _conn, _cursor, statement, *_: statements.append(statement),
    )
    for round_ in range(3):
        async with unit_of_work(postgres_db) as session:
            await session.execute(text("SELECT 42"))
        if round_ == 0:  # the first connect also sets the connection up
            statements.clear()
            rollbacks.clear()
    # Checked out of the pool twice more: no `SELECT 1` pre-ping, no rollback after commit.
    assert statements == ["SELECT 42", "SELECT 42"]
    assert rollbacks == []


async def test_a_connection_returned_inside_a_transaction_is_rolled_back(
    postgres_db: SQLDatabase,
) -> None:
    async with postgres_db.engine.begin() as connection:
        await connection.execute(text("CREATE TABLE IF NOT EXISTS pool_probe (x INTEGER)"))
    async with postgres_db.engine.connect() as connection:
        raw = await connection.get_raw_connection()
        driver = raw.driver_connection
        assert isinstance(driver, aiosqlite.Connection)
        # A write SQLAlchemy does not know of: only the pool's reset can end its transaction.
        await driver.execute("INSERT INTO pool_probe VALUES (1)")
        assert driver.in_transaction
    assert not driver.in_transaction
    async with postgres_db.engine.connect() as connection:
        count = (await connection.execute(text("SELECT count(*) FROM pool_probe"))).scalar()
    assert count == 0


@pytest.mark.parametrize(
    ("in_transaction", "terminate_only", "rolled_back"),
    [(True, False, True), (False, False, False), (True, True, False), (None, False, True)],
)
def test_the_reset_rolls_back_only_an_open_transaction(
    in_transaction: bool | None, terminate_only: bool, rolled_back: bool
) -> None:
    class Driver:
        @property
        def in_transaction(self) -> bool:
            if in_transaction is None:
                raise ValueError("no active connection")
            return in_transaction

    class Record:
        driver_connection = Driver()

    class Adapted:
        rollbacks = 0

        def rollback(self) -> None:
            self.rollbacks += 1

    adapted = Adapted()
    state = PoolResetState(
        transaction_was_reset=False, terminate_only=terminate_only, asyncio_safe=True
    )
    reset_if_in_transaction(adapted, Record(), state)  # type: ignore[arg-type]
    assert adapted.rollbacks == int(rolled_back)
