"""The body of both Alembic `env.py` files: migrate one role's metadata on its database."""

import asyncio

from alembic import context
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection

from app.database.sql import create_sql_database
from app.settings import get_settings


def _configure_and_run(connection: Connection, metadata: MetaData) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things in place; batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_with_settings(role: str, metadata: MetaData) -> None:
    settings = get_settings().database
    url = getattr(settings, f"{role}_url").get_secret_value()
    database = create_sql_database(role, url, settings)
    try:
        async with database.engine.begin() as connection:
            await connection.run_sync(_configure_and_run, metadata)
    finally:
        await database.engine.dispose()


def run_env(role: str, metadata: MetaData) -> None:
    """Run on the connection the app handed over, else on the role's configured URL."""
    connection = context.config.attributes.get("connection")
    if isinstance(connection, Connection):
        _configure_and_run(connection, metadata)
    else:
        asyncio.run(_run_with_settings(role, metadata))
