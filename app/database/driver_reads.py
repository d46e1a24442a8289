"""Per-request reads straight through asyncpg: a Core select compiled once, run as is.

SQLAlchemy's execution path (execution context, cursor adapter, result object) costs about as
much CPU as the query itself; the account read runs on every authenticated request. Here the
statement is compiled once per dialect, the pool still lends the connection (its limits,
checks and metrics apply), and only the driver call and the columns' result conversions
remain. The statement must take plain parameters (no bind-side conversion).

Whoever listens to an engine's statements (tracing, tests counting queries) gets the usual
SQLAlchemy path instead, so every statement stays visible to them.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import asyncpg
from sqlalchemy import Select
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncEngine

# What a read can raise when its connection died under it (asyncpg's own, or the socket's).
DRIVER_ERRORS = (asyncpg.PostgresError, asyncpg.InterfaceError, OSError)

Converter = Callable[[Any], Any]


@dataclass(frozen=True)
class DriverRead:
    """A select as asyncpg runs it: its SQL, parameter order and per-column conversions."""

    sql: str
    parameters: tuple[str, ...]
    columns: tuple[tuple[str, Converter | None], ...]

    def row(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """A record as the Core path returns it (column key to converted value)."""
        return {
            key: value if convert is None or value is None else convert(value)
            for (key, convert), value in zip(self.columns, record.values(), strict=True)
        }


# The hot statements are module constants: a few entries, compiled once each.
@lru_cache(maxsize=64)
def driver_read(statement: Select[Any], dialect: Dialect) -> DriverRead | None:
    """`statement` compiled for asyncpg, or None when it needs SQLAlchemy's own execution."""
    if dialect.driver != "asyncpg":
        return None
    compiled = statement.compile(dialect=dialect)
    if any(
        bind.type.dialect_impl(dialect).bind_processor(dialect) is not None
        for bind in compiled.binds.values()
    ):
        return None
    columns: list[tuple[str, Converter | None]] = []
    for column in statement.selected_columns:
        if column.key is None:
            return None  # an unnamed expression: the Core path names it
        columns.append(
            (column.key, column.type.dialect_impl(dialect).result_processor(dialect, None))
        )
    return DriverRead(compiled.string, tuple(compiled.positiontup or ()), tuple(columns))


def statements_watched(engine: AsyncEngine) -> bool:
    """Whether anything listens to this engine's statements (tracing, a test counting them)."""
    dispatch = engine.sync_engine.dispatch
    return bool(dispatch.before_cursor_execute or dispatch.after_cursor_execute)
