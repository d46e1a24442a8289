"""Connection churn: the app's PostgreSQL connections before and after a steady run.

A warm pool serves a steady load with the connections it holds; a connection opened in the
middle of the run (a pool too small for its overflow, a recycle, a pre-ping that failed)
costs a TLS-less handshake and a new server process each time, and shows here.
"""

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

_APP_BACKENDS = text(
    "SELECT pid FROM pg_stat_activity"
    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
)


async def backend_pids(database_url: str) -> frozenset[int]:
    """The server processes now connected to the app's database (this query's own left out)."""
    engine = create_async_engine(database_url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            return frozenset((await connection.execute(_APP_BACKENDS)).scalars())
    finally:
        await engine.dispose()


@dataclass(frozen=True)
class Churn:
    """Which of the app's connections a run opened and closed."""

    before: frozenset[int]
    after: frozenset[int]

    @property
    def opened(self) -> int:
        """Connections present after the run that were not there before it."""
        return len(self.after - self.before)

    @property
    def closed(self) -> int:
        """Connections present before the run that were gone after it."""
        return len(self.before - self.after)

    def text(self) -> str:
        """One line for the report."""
        verdict = "met" if self.opened == 0 else "MISSED"
        return (
            f"{len(self.before)} PostgreSQL connections before, {len(self.after)} after: "
            f"{self.opened} opened, {self.closed} closed during the run "
            f"(no new connection: {verdict})"
        )
