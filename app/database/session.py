"""The unit of work: one session per request per relational role."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession

from app.database.sql import SQLDatabase
from app.database.sql_errors import sql_errors


@asynccontextmanager
async def unit_of_work(database: SQLDatabase) -> AsyncIterator[AsyncSession]:
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
