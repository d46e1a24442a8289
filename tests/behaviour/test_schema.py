"""The schema comes from the migrations, and the migrations match the models."""

import asyncio
import warnings
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, Integer, MetaData, inspect
from sqlalchemy.engine import Connection

from app.__main__ import main
from app.database.migrations import is_at_head, migrate
from app.database.sql import SQLDatabase, create_sql_database
from app.settings import DatabaseSettings, get_settings
from tests.harness.backends import sql_metadata
from tests.harness.fixtures import BlankDatabase

# The SQL roles and their tables, as the models declare them.
METADATA = sql_metadata()
ROLES = list(METADATA)


def _diff(connection: Connection, metadata: MetaData) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    with warnings.catch_warnings():
        # SQLite cannot reflect the index on lower(username), so it is not compared there;
        # PostgreSQL (the integration run) compares it.
        warnings.filterwarnings("ignore", message=".*expression-based index")
        return list(compare_metadata(context, metadata))


async def drift(database: SQLDatabase, metadata: MetaData) -> list[Any]:
    """What autogenerate would change to make the migrated schema match `metadata`."""
    async with database.engine.connect() as connection:
        return await connection.run_sync(_diff, metadata)


# Sync on purpose, as `admins_db`: building a backend may run `asyncio.run`.
@pytest.fixture
def role_db(request: pytest.FixtureRequest, role: str, store_side: str) -> SQLDatabase:
    """The database of the test's `role` on its side (`store_side`: conformance pairs)."""
    del store_side
    database: SQLDatabase = request.getfixturevalue(f"{role}_db")
    return database


@pytest.mark.parametrize("role", ROLES)
async def test_models_match_the_migrations(role: str, role_db: SQLDatabase) -> None:
    database = role_db
    assert await drift(database, METADATA[role]) == []


@pytest.mark.parametrize("role", ROLES)
async def test_drift_is_detected(role: str, role_db: SQLDatabase) -> None:
    database = role_db
    changed = MetaData(naming_convention=METADATA[role].naming_convention)
    for table in METADATA[role].sorted_tables:
        table.to_metadata(changed)
    next(iter(changed.tables.values())).append_column(Column("surprise", Integer))
    differences = await drift(database, changed)
    assert [difference[0] for difference in differences] == ["add_column"]


def tables(url: str) -> set[str]:
    async def read() -> set[str]:
        database = create_sql_database("probe", url, DatabaseSettings())
        try:
            async with database.engine.connect() as connection:
                return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
        finally:
            await database.engine.dispose()

    return asyncio.run(read())


@pytest.mark.parametrize("role", ROLES)
def test_cli_upgrade_downgrade_upgrade(
    role: str,
    blank_database: BlankDatabase,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The models' tables: a model added with its migration is expected without an edit here.
    expected = set(METADATA[role].tables)
    url = blank_database(role)
    monkeypatch.setenv(f"{role.upper()}_URL", url)
    monkeypatch.setenv("ENVIRONMENT", "test")
    get_settings.cache_clear()
    try:
        assert main(["db", "upgrade", "--engine", role]) == 0
        assert tables(url) == expected | {"alembic_version"}
        assert main(["db", "downgrade", "--engine", role, "base"]) == 0
        assert tables(url) == {"alembic_version"}
        assert main(["db", "upgrade", "--engine", role, "head"]) == 0
        assert tables(url) == expected | {"alembic_version"}
    finally:
        get_settings.cache_clear()


@pytest.mark.parametrize("role", ROLES)
def test_at_head_only_with_every_migration(role: str, blank_database: BlankDatabase) -> None:
    # The app skips migrating an embedded file that is at head: this check must not lie.
    # Sync on purpose: on real servers `blank_database` runs `asyncio.run` itself.
    url = blank_database(role)

    async def check() -> None:
        database = create_sql_database(role, url, DatabaseSettings())
        try:
            assert not await is_at_head(database)
            await migrate(database)
            assert await is_at_head(database)
            await migrate(database, "downgrade", "-1")
            assert not await is_at_head(database)
        finally:
            await database.engine.dispose()

    asyncio.run(check())
