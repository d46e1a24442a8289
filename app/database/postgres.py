"""PostgreSQL through SQLAlchemy 2 async and asyncpg (`POSTGRES_URL`)."""

import asyncpg

from app.database.sql import SQLDatabase, create_sql_database
from app.settings import DatabaseSettings

UNIQUE_VIOLATION = "23505"
# SQLSTATE classes and codes that mean "the server is not there for us right now".
_UNAVAILABLE_CLASSES = ("08",)  # connection exception
_UNAVAILABLE_CODES = frozenset({"53300", "57P01", "57P02", "57P03"})  # too many, shutdowns


def _sqlstate(error: BaseException) -> str | None:
    # SQLAlchemy's asyncpg adapter copies the code to `sqlstate`; asyncpg's own errors carry it.
    state = getattr(error, "sqlstate", None)
    return state if isinstance(state, str) else None


def is_unique_violation(error: BaseException) -> bool:
    """A unique or primary key constraint failed (SQLSTATE 23505)."""
    return isinstance(error, asyncpg.UniqueViolationError) or (
        _sqlstate(error) == UNIQUE_VIOLATION and _is_asyncpg_error(error)
    )


def is_unavailable(error: BaseException) -> bool:
    """The server refused, dropped or cannot take the connection."""
    if isinstance(error, asyncpg.PostgresConnectionError):
        return True
    state = _sqlstate(error)
    if state is None or not _is_asyncpg_error(error):
        return False
    return state.startswith(_UNAVAILABLE_CLASSES) or state in _UNAVAILABLE_CODES


def _is_asyncpg_error(error: BaseException) -> bool:
    # Either asyncpg's exception or SQLAlchemy's adapter error wrapping one.
    return isinstance(error, asyncpg.PostgresError) or isinstance(
        error.__cause__, asyncpg.PostgresError
    )


def create_postgres(settings: DatabaseSettings) -> SQLDatabase:
    """The users/categories database; nothing connects until the first query."""
    return create_sql_database("postgres", settings.postgres_url.get_secret_value(), settings)
