"""The embedded relational backend: SQLite files through aiosqlite, set up to act like a server."""

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import ConnectionPoolEntry, PoolResetState

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


# Every call into aiosqlite is a hop to the connection's thread and back, the dearest part
# of a request on the embedded default. A file cannot drop a connection as a server can, so
# there is no pre-ping (a `SELECT 1`: four hops per checkout). The pool's rollback on
# return (one hop, even after a commit) is replaced by `reset_if_in_transaction`.
POOL_OPTIONS: dict[str, Any] = {"pool_pre_ping": False, "pool_reset_on_return": None}


def reset_if_in_transaction(
    dbapi_connection: Any, record: ConnectionPoolEntry, state: PoolResetState
) -> None:
    """The pool's reset: roll back a connection coming back inside a transaction, only then."""
    # SQLite knows without a query whether a transaction is open (`in_transaction` reads
    # the autocommit flag in C). A connection about to be discarded needs no reset.
    if state.terminate_only or not state.asyncio_safe:
        return
    driver = record.driver_connection
    try:
        open_transaction = driver is None or bool(driver.in_transaction)
    except Exception:  # closed or broken: a rollback decides (and invalidates if it fails)
        open_transaction = True
    if open_transaction:
        dbapi_connection.rollback()


def configure_engine(engine: AsyncEngine) -> None:
    """Enforce foreign keys, allow concurrent requests, and reset connections cheaply."""
    event.listen(engine.sync_engine, "connect", _configure_connection)
    event.listen(engine.sync_engine.pool, "reset", reset_if_in_transaction)


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
