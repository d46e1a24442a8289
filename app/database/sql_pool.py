"""The SQL connection pool: waiters counted, and no connection churn under a steady load.

SQLAlchemy's queue pool closes an overflow connection the moment it comes back, so a load
that keeps a few more than `POOL_SIZE` connections busy opens and closes one (TLS
negotiation, authentication, a server process) for nearly every request. This pool holds up
to `POOL_SIZE + MAX_OVERFLOW` connections, opened as the load needs them, and lets those
beyond `POOL_SIZE` go only once the load has stayed within `POOL_SIZE` for a while.
"""

import time

from sqlalchemy.pool import AsyncAdaptedQueuePool, ConnectionPoolEntry

from app.core.metrics import SQL_POOL_WAITING

# How long the load must stay within `POOL_SIZE` before idle connections beyond it close.
SPARE_SECONDS = 30.0


class SQLPool(AsyncAdaptedQueuePool):
    """SQLAlchemy's asyncio pool, metered, keeping its overflow while the load needs it.

    Built with `pool_size=POOL_SIZE + MAX_OVERFLOW, max_overflow=0` (see `sql_pool`).
    """

    # SQLAlchemy names a pool's logger after its class; keep the parent's name, or its INFO
    # lines would land under the `app` logger.
    _sqla_logger_namespace = "sqlalchemy.pool.impl.AsyncAdaptedQueuePool"
    _role = "sql"
    # Connections kept however idle (`POOL_SIZE`); None keeps every one.
    _keep: int | None = None

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._waiting = SQL_POOL_WAITING.labels(self._role)
        # When a checkout last left more than `_keep` connections in use.
        self._crowded_at = time.monotonic()

    # `_do_get` and `_do_return_conn` are the override points of a Pool subclass.
    def _do_get(self) -> ConnectionPoolEntry:
        # Returns at once when a connection is free: the gauge holds only real waiters.
        self._waiting.inc()
        try:
            record = super()._do_get()
        finally:
            self._waiting.dec()
        if self._keep is not None and self.checkedout() > self._keep:
            self._crowded_at = time.monotonic()
        return record

    def _do_return_conn(self, record: ConnectionPoolEntry) -> None:
        # Nobody waits while `_keep` connections sit idle: a waiter means none is idle.
        if (
            self._keep is not None
            and self.checkedin() >= self._keep
            and time.monotonic() - self._crowded_at > SPARE_SECONDS
        ):
            try:
                record.close()
            finally:
                self._dec_overflow()
            return
        super()._do_return_conn(record)


def sql_pool(role: str, keep: int | None = None) -> type[SQLPool]:
    """The pool class of one role, counting its waiters in `sql_pool_waiting{role}`."""

    class RolePool(SQLPool):
        _role = role
        _keep = keep

    return RolePool
