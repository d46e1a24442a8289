"""Driver errors of every relational backend, classified into the app's domain errors."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from app.core.errors import ConflictError, ServiceUnavailableError
from app.core.i18n import MessageKey
from app.database import mysql, postgres, sqlite


def _causes(error: BaseException) -> Iterator[BaseException]:
    # SQLAlchemy wraps the driver's error in `orig`, which may itself wrap asyncpg's.
    yield error
    if isinstance(error, DBAPIError) and error.orig is not None:
        yield error.orig
        if error.orig.__cause__ is not None:
            yield error.orig.__cause__
    elif error.__cause__ is not None:
        yield error.__cause__


def is_duplicate(error: BaseException) -> bool:
    """A unique constraint failed, on whichever backend raised it."""
    return any(
        classify(cause)
        for cause in _causes(error)
        for classify in (
            postgres.is_unique_violation,
            # fusion:mysql begin
            mysql.is_unique_violation,
            # fusion:mysql end
            sqlite.is_unique_violation,
        )
    )


def is_unavailable(error: BaseException) -> bool:
    """The database cannot be reached (or no pooled connection is free), on any backend."""
    # By class: SQLAlchemy's pool timeout ("QueuePool limit ... reached") is not a DBAPIError.
    if isinstance(error, PoolTimeoutError):
        return True
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    return any(
        isinstance(cause, OSError | TimeoutError) or classify(cause)
        for cause in _causes(error)
        for classify in (postgres.is_unavailable, mysql.is_unavailable, sqlite.is_unavailable)
    )


@contextmanager
def sql_errors(conflict: MessageKey = MessageKey.CONFLICT) -> Iterator[None]:
    """Turn a duplicate into `ConflictError(conflict)` and a lost database into a 503."""
    try:
        yield
    except (DBAPIError, PoolTimeoutError, OSError, TimeoutError) as error:
        if is_duplicate(error):
            raise ConflictError(conflict) from error
        if is_unavailable(error):
            raise ServiceUnavailableError from error
        raise
