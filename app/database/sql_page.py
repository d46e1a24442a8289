"""One page of a table's rows with the total count: the `list` of every SQL repository."""

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import Integer, Row, Select, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from app.database.page import Page, clamp_limit, clamp_offset
from app.database.sql_errors import sql_errors

RowT = TypeVar("RowT")


# Built once per listing (one per repository): public reads run them on every request, and
# building the statements cost about as much as SQLAlchemy's cached compilation of them.
_built: dict[tuple[object, ...], tuple[Select[Any], Select[Any]]] = {}


def _statements(
    source: type[Any], selected: Sequence[Any], order_by: QueryableAttribute[Any]
) -> tuple[Select[Any], Select[Any]]:
    key = (source, *selected, order_by)
    built = _built.get(key)
    if built is None:
        count = select(func.count()).select_from(source)
        rows = (
            select(*selected)
            .order_by(order_by)
            .offset(bindparam("offset", type_=Integer, literal_execute=True))
            .limit(bindparam("limit", type_=Integer, literal_execute=True))
        )
        built = _built[key] = (count, rows)
    return built


async def sql_page(
    session: AsyncSession,
    entity: type[RowT],
    order_by: QueryableAttribute[Any],
    offset: int,
    limit: int,
) -> Page[RowT]:
    """`entity` rows in `order_by` order from `offset`, at most `limit` (capped), with the total."""
    offset, limit = clamp_offset(offset), clamp_limit(limit)
    count, rows = _statements(entity, (entity,), order_by)
    with sql_errors():
        # The count is a plain Core statement: run on the session's connection, it skips the
        # ORM's execution path (same connection, same transaction, if any).
        connection = await session.connection()
        total = await connection.scalar(count) or 0
        items = await session.scalars(rows, {"offset": offset, "limit": limit})
    return Page(items=[*items], total=total, offset=offset, limit=limit)


async def sql_column_page(
    session: AsyncSession,
    entity: type[Any],
    columns: Sequence[QueryableAttribute[Any]],
    order_by: QueryableAttribute[Any],
    offset: int,
    limit: int,
) -> Page[Row[Any]]:
    """Like `sql_page`, but plain rows of `entity`'s `columns` (read by name), not entities."""
    offset, limit = clamp_offset(offset), clamp_limit(limit)
    count, rows = _statements(entity, columns, order_by)
    with sql_errors():
        # Both statements run on the session's connection as Core: no ORM execution, no
        # entities built and tracked, for rows that go straight into response models. Like
        # the count, they do not autoflush: repositories flush their own writes.
        connection = await session.connection()
        total = await connection.scalar(count) or 0
        items = await connection.execute(rows, {"offset": offset, "limit": limit})
    return Page(items=[*items], total=total, offset=offset, limit=limit)
