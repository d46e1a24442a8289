"""Which driver errors mean "a backend is unreachable", across all four backends."""

from pymongo.errors import PyMongoError
from redis.exceptions import RedisError
from sqlalchemy.exc import DBAPIError

from app.database import mongo, redis, sql_errors

# What a driver may raise when a backend goes away; `is_backend_unavailable` picks the ones
# that mean "down". Plain OSErrors (a missing file...) are left alone: they are not a backend.
DRIVER_ERRORS: tuple[type[Exception], ...] = (
    DBAPIError,
    PyMongoError,
    RedisError,
    ConnectionError,
    TimeoutError,
)


def is_backend_unavailable(error: BaseException) -> bool:
    """A connection-level failure of PostgreSQL, MySQL, SQLite, MongoDB or Redis."""
    return (
        sql_errors.is_unavailable(error)
        or mongo.is_unavailable(error)
        or redis.is_unavailable(error)
    )
