"""One page of a table's rows with the total count: the `list` of every SQL repository."""

from typing import Any, TypeVar

from sqlalchemy import Integer, Select, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from app.database.page import Page, clamp_limit, clamp_offset
from app.database.sql_errors import sql_errors

RowT = TypeVar("RowT")


# Built once per listing (one per repository): public reads run them on every request, and
# building the statements cost about as much as SQLAlchemy's cached compilation of them.
_built: dict[tuple[object, object], tuple[Select[Any], Select[Any]]] = {}


def _statements(entity: type[Any], order_by: QueryableAttribute[Any]) -> tuple[Select[Any], ...]:
    built = _built.get((entity, order_by))
    if built is None:
        count = select(func.count()).select_from(entity)
        rows = (
            select(entity)
            .order_by(order_by)
            .offset(bindparam("offset", type_=Integer, literal_execute=True))
            .limit(bindparam("limit", type_=Integer, literal_execute=True))
        )
        built = _built[(entity, order_by)] = (count, rows)
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
    count, rows = _statements(entity, order_by)
    with sql_errors():
        # The count is a plain Core statement: run on the session's connection, it skips the
        # ORM's execution path (same connection, same transaction, if any).
        connection = await session.connection()
        total = await connection.scalar(count) or 0
        items = await session.scalars(rows, {"offset": offset, "limit": limit})
    return Page(items=[*items], total=total, offset=offset, limit=limit)
