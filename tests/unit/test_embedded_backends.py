"""The embedded defaults: SQLite files set up like a server, Redis in memory."""

from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fakeredis import FakeAsyncRedis, FakeServer
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from app.core.errors import ErrorType
from app.database.redis import RedisStore
from app.database.sql import SQLDatabase
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
    for name in (
        "POSTGRES_URL",
        "MYSQL_URL",
        "MONGO_URL",
        "REDIS_URL",
    ):
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
