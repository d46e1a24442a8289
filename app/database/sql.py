"""What both relational roles share: the engine, its session factory and its probe."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from app.database import sqlite
from app.database.pool_metrics import metered_pool
from app.settings import DatabaseSettings


@dataclass(frozen=True)
class SQLDatabase:
    """One relational role: its engine and the factory of its per-request sessions."""

    name: str
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]

    @property
    def is_embedded(self) -> bool:
        """Whether this role runs on the embedded SQLite file rather than a server."""
        return self.engine.dialect.name == "sqlite"

    async def ping(self) -> None:
        """Round-trip one query; the readiness probe."""
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))


def _connect_args(backend: str, timeout: float) -> dict[str, Any]:
    # Each driver names its connect timeout differently; without one, a dead host hangs.
    if backend == "postgresql":
        return {"timeout": timeout}
    # fusion:mysql begin
    if backend in ("mysql", "mariadb"):
        return {"connect_timeout": max(1, round(timeout))}
    # fusion:mysql end
    return {"timeout": timeout}


def create_sql_database(name: str, url: str, settings: DatabaseSettings) -> SQLDatabase:
    """Build the engine for `url` (nothing connects yet) and its session factory."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    timeout = settings.connect_timeout_seconds
    options: dict[str, Any]
    if backend == "sqlite":
        sqlite.prepare_file(parsed)
        options = {
            **sqlite.engine_options(parsed, timeout),
            # The same bounded pool as a server's, so a pool timeout behaves alike (a 503).
            "pool_size": settings.pool_size,
            "max_overflow": settings.max_overflow,
            "pool_timeout": settings.pool_timeout_seconds,
        }
    else:
        options = {
            "connect_args": _connect_args(backend, timeout),
            # A server may have dropped an idle connection: test it before handing it out.
            "pool_pre_ping": True,
            "pool_size": settings.pool_size,
            "max_overflow": settings.max_overflow,
            # Bounded wait for a connection; a timeout is classified as unavailable (503).
            "pool_timeout": settings.pool_timeout_seconds,
            # MySQL closes idle connections after `wait_timeout`; recycle well before.
            "pool_recycle": 1800,
        }
    # The pool counts its waiters into `sql_pool_waiting{role}` (app/database/pool_metrics.py).
    options.setdefault("poolclass", metered_pool(name))
    engine = create_async_engine(parsed, **options)
    if backend == "sqlite":
        sqlite.configure_engine(engine)
    # Objects stay readable after commit: handlers serialise them once the work is done.
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    return SQLDatabase(name=name, engine=engine, sessions=sessions)
