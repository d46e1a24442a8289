"""Sessions that read without a transaction and open one at their first write (asyncpg).

A read-only request then costs its SELECTs and nothing else, not BEGIN, SELECT, COMMIT.
Under READ COMMITTED, PostgreSQL's default, each statement sees the latest committed data
either way; from the first write (or locking read) on, the statements are one transaction
that the unit of work commits or rolls back as before.
"""

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction


class LazyBeginSession(Session):
    """A session whose database transaction starts at its first write or locking read."""


def _driver_connection(connection: Connection) -> Any:
    # The DBAPI adapter of asyncpg; its `autocommit` is a plain flag (no round trip).
    return connection.connection.dbapi_connection


@event.listens_for(LazyBeginSession, "after_begin")
def _read_without_transaction(
    session: Session, transaction: SessionTransaction, connection: Connection
) -> None:
    # A new session transaction: no BEGIN until something needs one.
    _read_without_transaction_on(connection)


def read_without_transaction(connection: AsyncConnection) -> None:
    """Let a checked-out engine connection read without BEGIN/ROLLBACK (no I/O)."""
    if connection.sync_connection is not None:
        _read_without_transaction_on(connection.sync_connection)


def _read_without_transaction_on(connection: Connection) -> None:
    driver = _driver_connection(connection)
    if driver is not None:
        driver.autocommit = True


def begin_now(session: Session) -> None:
    """Open the database transaction now (the statements that follow are one unit)."""
    driver = _driver_connection(session.connection())
    if driver is not None and driver.autocommit:
        # The next statement sends BEGIN first; commit and rollback then end it.
        driver.autocommit = False


@event.listens_for(LazyBeginSession, "before_flush")
def _begin_before_flush(session: Session, flush_context: Any, instances: Any) -> None:
    begin_now(session)


@event.listens_for(LazyBeginSession, "do_orm_execute")
def _begin_before_writes(state: ORMExecuteState) -> None:
    # Anything but a plain SELECT (DML, text, DDL) and any SELECT ... FOR UPDATE / SHARE:
    # a lock taken outside a transaction would be released at once.
    locking = getattr(state.statement, "_for_update_arg", None) is not None
    if not state.is_select or locking:
        begin_now(state.session)


def end_lazy_begin(dbapi_connection: Any, record: Any) -> None:
    """Pool checkin: the connection goes back transactional, whoever checks it out next."""
    if dbapi_connection is not None and getattr(dbapi_connection, "autocommit", False):
        dbapi_connection.autocommit = False
