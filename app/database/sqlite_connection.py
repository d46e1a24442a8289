"""An aiosqlite connection that spends one thread hop per statement, not four.

aiosqlite runs every call on the connection's own thread, so the event loop never waits on
the file. SQLAlchemy's adapter makes four such calls per statement (create a cursor,
execute, fetch the rows, close the cursor) and one for each commit and rollback, even when
SQLite has no transaction open. Each hop wakes a thread and hands the GIL over twice:
on a busy or virtualised machine it costs more than the query itself.

Here only the statement runs on the connection's thread, with its rows fetched in the same
hop; making and closing a cursor are in-memory bookkeeping done in place; and a commit or
rollback without an open transaction (which sqlite3 itself would skip) is skipped before
the hop. Everything else is aiosqlite's.
"""

import sqlite3
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, cast

import aiosqlite
from aiosqlite.context import contextmanager


def _run(cursor: sqlite3.Cursor, sql: str, parameters: Any) -> list[Any] | None:
    # On the connection's thread: the statement and, when it yields rows, all of them.
    cursor.execute(sql, parameters)
    return None if cursor.description is None else cursor.fetchall()


class EmbeddedCursor(aiosqlite.Cursor):
    """A cursor whose `execute` brings the rows back with it."""

    def __init__(self, conn: aiosqlite.Connection, cursor: sqlite3.Cursor) -> None:
        super().__init__(conn, cursor)
        # Rows fetched by the last `execute`; None until then (or after `executemany`).
        self._rows: deque[Any] | None = None

    async def execute(self, sql: str, parameters: Iterable[Any] | None = None) -> "EmbeddedCursor":
        """Run the statement and fetch its rows in one hop."""
        self._rows = None
        # aiosqlite leaves `_execute` (run on the connection's thread) unannotated.
        on_thread = cast(Callable[..., Awaitable[list[Any] | None]], self._execute)
        rows = await on_thread(_run, self._cursor, sql, [] if parameters is None else parameters)
        self._rows = None if rows is None else deque(rows)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Iterable[Any]]) -> "EmbeddedCursor":
        """Run the statement once per parameter set (aiosqlite's one hop)."""
        self._rows = None
        await super().executemany(sql, parameters)
        return self

    async def fetchone(self) -> Any:
        """The next row, or None."""
        if self._rows is None:
            return await super().fetchone()
        return self._rows.popleft() if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        """Up to `size` (default `arraysize`) rows."""
        if self._rows is None:
            return list(await super().fetchmany(size))
        count = self.arraysize if size is None else size
        return [self._rows.popleft() for _ in range(min(count, len(self._rows)))]

    async def fetchall(self) -> list[Any]:
        """The remaining rows."""
        if self._rows is None:
            return list(await super().fetchall())
        rows = list(self._rows)
        self._rows.clear()
        return rows

    async def close(self) -> None:
        """Close the cursor in place: its statement already ran to the end on the thread."""
        self._rows = None
        self._cursor.close()


class EmbeddedConnection(aiosqlite.Connection):
    """aiosqlite's connection with hop-free cursors and transaction-aware commit/rollback."""

    def __init__(self, connector: Callable[[], sqlite3.Connection]) -> None:
        super().__init__(connector, iter_chunk_size=64)
        # As SQLAlchemy does for the connections it opens itself: an unclosed connection
        # must not keep the interpreter from exiting.
        self._thread.daemon = True

    @contextmanager
    async def cursor(self) -> aiosqlite.Cursor:
        """A cursor; making one allocates a Python object, no thread hop."""
        return EmbeddedCursor(self, self._conn.cursor())

    async def commit(self) -> None:
        """Commit the open transaction; sqlite3 does nothing without one, nor does this."""
        # `in_transaction` reads SQLite's autocommit flag: no query, no hop.
        if self._conn.in_transaction:
            await super().commit()

    async def rollback(self) -> None:
        """Roll back the open transaction; without one there is nothing to undo."""
        if self._conn.in_transaction:
            await super().rollback()
