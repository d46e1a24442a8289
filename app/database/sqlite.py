"""The embedded relational backend: SQLite files through aiosqlite, set up to act like a server."""

import sqlite3
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine

from app.database.sqlite_connection import EmbeddedConnection

# Extended result codes (sqlite3.h): which constraint a write broke, without reading messages.
SQLITE_CONSTRAINT_UNIQUE = 2067
SQLITE_CONSTRAINT_PRIMARYKEY = 1555
SQLITE_CANTOPEN = 14
BUSY_TIMEOUT_MS = 5000


def prepare_file(url: URL) -> None:
    """Create the folder of a file database (`var/` on a fresh checkout)."""
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)


def _configure_connection(dbapi_connection: Any, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    # Off by default in SQLite; the server backends always enforce them.
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL lets readers run beside the one writer; the busy timeout makes a second writer
    # wait instead of failing at once when requests overlap.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def engine_options(url: URL, timeout: float) -> dict[str, Any]:
    """`create_async_engine` options for a SQLite file: connections that hop once per statement."""
    # The same sqlite3.connect arguments SQLAlchemy's aiosqlite dialect derives from the URL.
    args, kwargs = url.get_dialect()().create_connect_args(url)
    connector = partial(sqlite3.connect, *args, **{**kwargs, "timeout": timeout})

    async def connect() -> EmbeddedConnection:
        connection = EmbeddedConnection(connector)
        await connection  # starts its thread and opens the file there
        return connection

    # A file cannot drop a connection as a server can: no pre-ping `SELECT 1` per checkout.
    return {"async_creator": connect, "pool_pre_ping": False}


def configure_engine(engine: AsyncEngine) -> None:
    """Enforce foreign keys and allow concurrent requests on every new connection."""
    event.listen(engine.sync_engine, "connect", _configure_connection)


def is_unique_violation(error: BaseException) -> bool:
    """A UNIQUE or PRIMARY KEY constraint failed (by SQLite's extended result code)."""
    return isinstance(error, sqlite3.IntegrityError) and getattr(
        error, "sqlite_errorcode", None
    ) in (SQLITE_CONSTRAINT_UNIQUE, SQLITE_CONSTRAINT_PRIMARYKEY)


def is_unavailable(error: BaseException) -> bool:
    """The database file cannot be opened."""
    return (
        isinstance(error, sqlite3.OperationalError)
        and getattr(error, "sqlite_errorcode", None) == SQLITE_CANTOPEN
    )
