"""Which driver errors mean "a backend is unreachable", across all four backends."""

from collections.abc import Callable

from pymongo.errors import PyMongoError
from redis.exceptions import RedisError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from app.database import mongo, redis, sql_errors

# What a driver may raise when a backend goes away; `is_backend_unavailable` picks the ones
# that mean "down". Plain OSErrors (a missing file...) are left alone: they are not a backend.
DRIVER_ERRORS: tuple[type[Exception], ...] = (
    DBAPIError,
    PoolTimeoutError,
    # fusion:mongo begin
    PyMongoError,
    # fusion:mongo end
    RedisError,
    ConnectionError,
    TimeoutError,
)


# Each backend module's own test for "the server is gone" (one line per backend).
UNAVAILABLE_CHECKS: tuple[Callable[[BaseException], bool], ...] = (
    sql_errors.is_unavailable,
    # fusion:mongo begin
    mongo.is_unavailable,
    # fusion:mongo end
    redis.is_unavailable,
)


def is_backend_unavailable(error: BaseException) -> bool:
    """A connection-level failure of any backend (SQL servers, SQLite, MongoDB, Redis)."""
    return any(check(error) for check in UNAVAILABLE_CHECKS)
