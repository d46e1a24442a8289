"""The MySQL role's spec and fixtures (the admin accounts' database); the rest is in fixtures.py."""

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.database.sql import SQLDatabase
from app.models.mysql import MySQLBase
from tests.harness.backends import Backend, register, sql_spec
from tests.harness.fixtures import backend_fixtures, sql_database

register(sql_spec("mysql", MySQLBase.metadata))


mysql_side, mysql_backend = backend_fixtures("mysql")


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
