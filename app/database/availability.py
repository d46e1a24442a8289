"""Which driver errors mean "a backend is unreachable", across all four backends."""

from pymongo.errors import PyMongoError
from redis.exceptions import RedisError
from sqlalchemy.exc import DBAPIError

from app.database import mongo, redis, sql_errors

# Everything a driver may raise; `is_backend_unavailable` picks the ones that mean "down".
DRIVER_ERRORS: tuple[type[Exception], ...] = (DBAPIError, PyMongoError, RedisError, OSError)


def is_backend_unavailable(error: BaseException) -> bool:
    """A connection-level failure of PostgreSQL, MySQL, SQLite, MongoDB or Redis."""
    return (
        sql_errors.is_unavailable(error)
        or mongo.is_unavailable(error)
        or redis.is_unavailable(error)
    )
