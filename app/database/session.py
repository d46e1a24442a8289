"""The unit of work: one session per request per relational role.

On PostgreSQL its transaction opens at the first write (app/database/lazy_begin.py).
"""

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import asyncpg
from sqlalchemy import Select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from app.core.errors import ServiceUnavailableError
from app.database.driver_reads import DRIVER_ERRORS, DriverRead, driver_read, statements_watched
from app.database.lazy_begin import read_without_transaction
from app.database.sql_errors import sql_errors

if TYPE_CHECKING:  # sql.py builds its sessions from this module
    from app.database.sql import SQLDatabase

T = TypeVar("T")


@asynccontextmanager
async def unit_of_work(database: "SQLDatabase") -> AsyncIterator[AsyncSession]:
    """A session that commits if the block finishes and rolls back if it raises anything."""
    async with database.sessions() as session:
        try:
            yield session
        except BaseException:
            # Includes an AppError raised after a write: a failed request changes nothing.
            await session.rollback()
            raise
        with sql_errors():
            await session.commit()


async def commit_now(session: AsyncSession) -> None:
    """Commit the unit of work early: for changes whose follow-up must come after the commit."""
    # Revocations bump the account's generation only once the change is durable; the
    # unit of work's own commit at the end then has nothing left to do.
    with sql_errors():
        await session.commit()


def _lost_connection(error: BaseException) -> bool:
    cause = error.__cause__ if isinstance(error, ServiceUnavailableError) else error
    return isinstance(cause, DBAPIError) and cause.connection_invalidated


async def _again_if_lost(attempt: Callable[[], Awaitable[T]]) -> T:
    """Run `attempt`, and once more if its connection turned out dead."""
    try:
        return await attempt()
    except (DBAPIError, ServiceUnavailableError) as error:
        if not _lost_connection(error):
            raise
    # The pool has discarded the dead connection; the next checkout is another one.
    return await attempt()


async def read_retrying(database: "SQLDatabase", read: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run the read-only `read` in a short session, again on a fresh connection if needed.

    The second run happens only when the first connection turned out dead (the server
    restarted since it was last used): reads are safe to repeat, writes are not.
    """

    async def attempt() -> T:
        async with database.sessions() as session:
            return await read(session)

    return await _again_if_lost(attempt)


async def read_row(
    database: "SQLDatabase", statement: Select[Any], parameters: Mapping[str, Any]
) -> dict[str, Any] | None:
    """The first row (column key to value) of a read-only Core `statement`, or None.

    For reads on every request (the account row): no ORM session, no BEGIN/ROLLBACK around
    the one SELECT on PostgreSQL, and there straight through the driver
    (app/database/driver_reads.py) unless something watches the engine's statements.
    Retried once on a fresh connection, as `read_retrying` is.
    """
    read = driver_read(statement, database.engine.dialect)
    if read is not None and not statements_watched(database.engine):
        return await _read_on_driver(database, read, parameters)

    async def attempt() -> dict[str, Any] | None:
        with sql_errors():
            async with database.engine.connect() as connection:
                if database.lazy_begin:
                    read_without_transaction(connection)
                row = (await connection.execute(statement, parameters)).first()
        return None if row is None else dict(row._mapping)

    return await _again_if_lost(attempt)


class _LostConnectionError(Exception):
    """A driver read's connection died under it (the pool has dropped it)."""


async def _read_on_driver(
    database: "SQLDatabase", read: DriverRead, parameters: Mapping[str, Any]
) -> dict[str, Any] | None:
    arguments = [parameters[name] for name in read.parameters]
    try:
        return await _fetch_row(database, read, arguments)
    except _LostConnectionError:
        pass
    # A read is safe to repeat: once more, on another connection.
    try:
        return await _fetch_row(database, read, arguments)
    except _LostConnectionError as error:
        raise ServiceUnavailableError from error.__cause__


async def _fetch_row(
    database: "SQLDatabase", read: DriverRead, arguments: list[Any]
) -> dict[str, Any] | None:
    with sql_errors():
        async with database.engine.connect() as connection:
            # SQLAlchemy never sees the statement, so it opens no transaction around it.
            records = await _fetch_on_driver(connection, read, arguments)
    return read.row(records[0]) if records else None


async def _fetch_on_driver(
    connection: AsyncConnection, read: DriverRead, arguments: list[Any]
) -> list[Any]:
    """The records of `read` fetched by asyncpg on `connection`; a dead one leaves the pool."""
    driver: Any = (await connection.get_raw_connection()).driver_connection
    try:
        return list(await driver.fetch(read.sql, *arguments))
    except DRIVER_ERRORS as error:
        if isinstance(error, asyncpg.PostgresError) and not driver.is_closed():
            raise  # the query failed on a live connection: `sql_errors` classifies it
        # Dead (the server restarted since it was last used): out of the pool.
        await connection.invalidate()
        raise _LostConnectionError from error


async def read_rows(
    connection: AsyncConnection, statement: Select[Any], parameters: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """Every row (column key to value) of the read-only Core `statement` on `connection`.

    For listings read on every public request: on PostgreSQL straight through the driver,
    as `read_row` does, unless something watches the engine's statements. Not retried: the
    connection belongs to the caller's unit of work; a dead one is a 503.
    """
    read = driver_read(statement, connection.dialect)
    with sql_errors():
        if read is None or statements_watched(connection.engine):
            result = await connection.execute(statement, parameters)
            return [dict(row._mapping) for row in result]
        arguments = [parameters[name] for name in read.parameters]
        try:
            records = await _fetch_on_driver(connection, read, arguments)
        except _LostConnectionError as error:
            raise ServiceUnavailableError from error.__cause__
    return [read.row(record) for record in records]
