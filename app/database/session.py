"""The unit of work: one session per request per relational role.

On PostgreSQL its transaction opens at the first write (app/database/lazy_begin.py).
"""

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Row, Select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import ServiceUnavailableError
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
) -> Row[Any] | None:
    """The first row of a read-only Core `statement`, retried like `read_retrying`.

    For reads on every request (the account row): no ORM session and, on PostgreSQL, no
    BEGIN/ROLLBACK around the one SELECT.
    """

    async def attempt() -> Row[Any] | None:
        with sql_errors():
            async with database.engine.connect() as connection:
                if database.lazy_begin:
                    read_without_transaction(connection)
                row: Row[Any] | None = (await connection.execute(statement, parameters)).first()
                return row

    return await _again_if_lost(attempt)
