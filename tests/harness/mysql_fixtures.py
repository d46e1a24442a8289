"""The MySQL role's fixtures (the admin accounts' database); the rest is in fixtures.py."""

from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.database.sql import SQLDatabase
from tests.harness.fixtures import (
    Backend,
    fake_sql_backend,
    side_backend,
    sql_backend,
    sql_database,
)
from tests.harness.servers import Servers


@pytest.fixture
def mysql_side(request: pytest.FixtureRequest, store_side: str) -> Backend:
    """The MySQL role's backend on this test's side."""
    return side_backend(request, "mysql", store_side)


@pytest.fixture(scope="session")
def fake_mysql_backend(tmp_path_factory: pytest.TempPathFactory) -> Backend:
    """The unit tier's stand-in for MySQL (SQLite, migrated), for conformance pairs."""
    return fake_sql_backend("mysql", tmp_path_factory)


@pytest.fixture(scope="session")
def mysql_backend(
    pytestconfig: pytest.Config,
    servers: Servers,
    run_name: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Backend]:
    """The admin database for this run, built by the migrations."""
    yield from sql_backend("mysql", pytestconfig, servers, run_name, tmp_path_factory)


@pytest.fixture
async def mysql_db(mysql_side: Backend) -> AsyncIterator[SQLDatabase]:
    """The admin database, emptied after the test."""
    async with sql_database(mysql_side) as database:
        yield database


@pytest.fixture
async def mysql_session(mysql_db: SQLDatabase) -> AsyncIterator[AsyncSession]:
    """A session on the admin database, rolled back at the end."""
    async with mysql_db.sessions() as session:
        yield session
