"""MySQL or MariaDB through SQLAlchemy 2 async and aiomysql (`MYSQL_URL`)."""

import pymysql

from app.database.sql import SQLDatabase, create_sql_database
from app.settings import DatabaseSettings

# Server and client error numbers (mysqld_error.h, errmsg.h); MariaDB keeps the same ones.
ER_DUP_ENTRY = 1062
ER_DUP_ENTRY_WITH_KEY_NAME = 1586
ER_CON_COUNT_ERROR = 1040
CR_CONNECTION_ERROR = 2002
CR_CONN_HOST_ERROR = 2003
CR_SERVER_GONE_ERROR = 2006
CR_SERVER_LOST = 2013
_DUPLICATE = frozenset({ER_DUP_ENTRY, ER_DUP_ENTRY_WITH_KEY_NAME})
_UNAVAILABLE = frozenset(
    {ER_CON_COUNT_ERROR, CR_CONNECTION_ERROR, CR_CONN_HOST_ERROR, CR_SERVER_GONE_ERROR}
    | {CR_SERVER_LOST}
)


def _errno(error: BaseException) -> int | None:
    # PyMySQL (which aiomysql uses) puts the error number first in `args`.
    if isinstance(error, pymysql.err.MySQLError) and error.args:
        code = error.args[0]
        return code if isinstance(code, int) else None
    return None


def is_unique_violation(error: BaseException) -> bool:
    """A unique or primary key constraint failed (errno 1062)."""
    return _errno(error) in _DUPLICATE


def is_unavailable(error: BaseException) -> bool:
    """The server refused, dropped or cannot take the connection."""
    return _errno(error) in _UNAVAILABLE


def create_mysql(settings: DatabaseSettings) -> SQLDatabase:
    """The admin account store; nothing connects until the first query."""
    return create_sql_database("mysql", settings.mysql_url.get_secret_value(), settings)
