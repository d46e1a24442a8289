"""Driver errors are classified by class, SQLSTATE, errno or code; never by message text."""

import sqlite3

import asyncpg
import httpx
import pymysql
import pytest
import redis.exceptions
from fastapi import FastAPI
from pymongo.errors import OperationFailure, ServerSelectionTimeoutError
from sqlalchemy.exc import IntegrityError, OperationalError

from app.core.errors import ConflictError, ErrorType, ServiceUnavailableError
from app.core.i18n import MessageKey
from app.database import sql_errors
from app.database.availability import is_backend_unavailable
from app.database.redis import redis_errors
from tests.envelope import assert_envelope


def sqlite_error(code: int, message: str) -> sqlite3.IntegrityError:
    error = sqlite3.IntegrityError(message)
    error.sqlite_errorcode = code
    return error


def wrapped(orig: BaseException) -> IntegrityError:
    return IntegrityError("INSERT ...", {}, orig)


DUPLICATES = [
    wrapped(asyncpg.UniqueViolationError("whatever the server says")),
    # fusion:mysql begin
    wrapped(pymysql.err.IntegrityError(1062, "text in any language")),
    # fusion:mysql end
    wrapped(sqlite_error(2067, "...")),
    wrapped(sqlite_error(1555, "...")),
]
NOT_DUPLICATES = [
    wrapped(asyncpg.ForeignKeyViolationError("duplicate key value violates unique constraint")),
    # fusion:mysql begin
    wrapped(pymysql.err.IntegrityError(1452, "Duplicate entry 'x' for key 'y'")),
    # fusion:mysql end
    wrapped(sqlite_error(787, "UNIQUE constraint failed: users.email")),
]


@pytest.mark.parametrize("error", DUPLICATES)
def test_duplicates(error: IntegrityError) -> None:
    assert sql_errors.is_duplicate(error)
    with pytest.raises(ConflictError) as caught, sql_errors.sql_errors(MessageKey.USER_EXISTS):
        raise error
    assert caught.value.message is MessageKey.USER_EXISTS


@pytest.mark.parametrize("error", NOT_DUPLICATES)
def test_messages_that_look_like_duplicates_are_not(error: IntegrityError) -> None:
    assert not sql_errors.is_duplicate(error)
    with pytest.raises(IntegrityError), sql_errors.sql_errors():
        raise error


@pytest.mark.parametrize(
    "error",
    [
        ConnectionRefusedError(111, "refused"),
        OperationalError("SELECT 1", {}, ConnectionResetError(104, "reset by peer")),
        # fusion:mysql begin
        OperationalError("SELECT 1", {}, pymysql.err.OperationalError(2003, "no")),
        OperationalError("SELECT 1", {}, pymysql.err.OperationalError(2013, "lost")),
        # fusion:mysql end
        asyncpg.CannotConnectNowError("starting up"),
        asyncpg.TooManyConnectionsError("busy"),
        # fusion:mongo begin
        ServerSelectionTimeoutError("no primary"),
        # fusion:mongo end
        redis.exceptions.ConnectionError("gone"),
        redis.exceptions.TimeoutError("slow"),
    ],
)
def test_unavailable(error: Exception) -> None:
    assert is_backend_unavailable(error)


@pytest.mark.parametrize(
    "error",
    [
        # fusion:mysql begin
        OperationalError("SELECT 1", {}, pymysql.err.OperationalError(1054, "server has gone")),
        # fusion:mysql end
        wrapped(asyncpg.UniqueViolationError("connection refused")),
        OperationalError("SELECT 1", {}, sqlite3.OperationalError("no such table: gone")),
        # fusion:mongo begin
        OperationFailure("connection closed", code=2),
        # fusion:mongo end
        redis.exceptions.ResponseError("WRONGTYPE connection"),
    ],
)
def test_other_errors_are_not_unavailable(error: Exception) -> None:
    assert not is_backend_unavailable(error)


def test_sql_unavailable_becomes_503() -> None:
    with pytest.raises(ServiceUnavailableError), sql_errors.sql_errors():
        raise ConnectionRefusedError(111, "refused")


def test_redis_connection_error_becomes_503() -> None:
    with pytest.raises(ServiceUnavailableError), redis_errors():
        raise redis.exceptions.ConnectionError("gone")
    with pytest.raises(redis.exceptions.ResponseError), redis_errors():
        raise redis.exceptions.ResponseError("WRONGTYPE")


async def test_a_lost_backend_outside_a_repository_is_a_503_envelope(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    @app.get("/lost-redis")
    async def lost_redis() -> None:
        raise redis.exceptions.ConnectionError("10.0.0.9:6379 refused")

    @app.get("/missing-file")
    async def missing_file() -> None:
        raise FileNotFoundError("/etc/app.conf")

    response = await client.get("/lost-redis")
    assert_envelope(response, 503, ErrorType.SERVICE_UNAVAILABLE)
    assert "10.0.0.9" not in response.text
    assert_envelope(await client.get("/missing-file"), 500, ErrorType.INTERNAL_ERROR)
