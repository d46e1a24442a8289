"""What both relational roles share: the engine, its session factory and its probe."""

import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, exc, make_url, text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from app.database import sqlite
from app.database.lazy_begin import LazyBeginSession, end_lazy_begin
from app.database.sql_pool import sql_pool
from app.settings import DatabaseSettings


@dataclass(frozen=True)
class SQLDatabase:
    """One relational role: its engine and the factory of its per-request sessions."""

    name: str
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    # asyncpg: reads need no transaction (app/database/lazy_begin.py).
    lazy_begin: bool = False

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
            "pool_timeout": settings.pool_timeout_seconds,
        }
    else:
        options = {
            "connect_args": _connect_args(backend, timeout),
            # No pre-ping on every checkout (round trips on every request): `_check_on_checkout`
            # drops a connection the server has closed, and pings one idle for a while.
            # Bounded wait for a connection; a timeout is classified as unavailable (503).
            "pool_timeout": settings.pool_timeout_seconds,
            # MySQL closes idle connections after `wait_timeout`; recycle well before.
            "pool_recycle": 1800,
        }
    # Up to POOL_SIZE + MAX_OVERFLOW connections; those past POOL_SIZE close only once the
    # load has let them idle (app/database/sql_pool.py). Waiters go to `sql_pool_waiting`.
    options.setdefault("poolclass", sql_pool(name, keep=settings.pool_size))
    options.setdefault("pool_size", settings.pool_size + settings.max_overflow)
    options.setdefault("max_overflow", 0)
    engine = create_async_engine(parsed, **options)
    if backend == "sqlite":
        sqlite.configure_engine(engine)
    else:
        _check_on_checkout(engine)
    # Objects stay readable after commit: handlers serialise them once the work is done.
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    lazy_begin = engine.dialect.driver == "asyncpg"
    if lazy_begin:
        # Reads run without BEGIN/COMMIT; the first write opens the transaction (lazy_begin.py).
        sessions = async_sessionmaker(
            engine, expire_on_commit=False, sync_session_class=LazyBeginSession
        )
        event.listen(engine.sync_engine.pool, "checkin", end_lazy_begin)
    return SQLDatabase(name=name, engine=engine, sessions=sessions, lazy_begin=lazy_begin)


# A connection unused this long may have been dropped without a word (MySQL's wait_timeout,
# a firewall): it is pinged before use. A steady load never leaves one idle this long.
IDLE_PING_SECONDS = 30.0
_LAST_USED = "fusion_last_used"


def closed_by_server(dbapi_connection: Any) -> bool:
    """Whether the driver has seen the server close this connection (no round trip)."""
    # asyncpg reads every connection's socket, idle ones included: a backend terminated or
    # a server shut down shows at once as a closed connection.
    is_closed = getattr(getattr(dbapi_connection, "driver_connection", None), "is_closed", None)
    return callable(is_closed) and bool(is_closed())


def _check_on_checkout(engine: AsyncEngine) -> None:
    pool = engine.sync_engine.pool
    dialect = engine.sync_engine.dialect

    def checkout(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        # Raising DisconnectionError makes the pool discard this connection and check out
        # (or open) another, up to three times: the request never sees the dead one.
        if closed_by_server(dbapi_connection):
            raise exc.DisconnectionError("the server closed this connection")
        last_used = record.info.get(_LAST_USED)
        if last_used is None or time.monotonic() - last_used < IDLE_PING_SECONDS:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as error:
            raise exc.DisconnectionError("idle connection failed its ping") from error

    def checkin(dbapi_connection: Any, record: Any) -> None:
        record.info[_LAST_USED] = time.monotonic()

    event.listen(pool, "checkout", checkout)
    event.listen(pool, "checkin", checkin)
