"""One page of a table's rows with the total count: the `list` of every SQL repository."""

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import Integer, Select, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from app.database.page import Page, clamp_limit, clamp_offset
from app.database.session import read_rows
from app.database.sql_errors import sql_errors

RowT = TypeVar("RowT")


# Built once per listing (one per repository): public reads run them on every request, and
# building the statements cost about as much as SQLAlchemy's cached compilation of them.
_built: dict[tuple[object, ...], tuple[Select[Any], Select[Any]]] = {}

# The page's rows carry the total in this column: one round trip, not a page then a count.
# The count is an uncorrelated scalar subquery, which PostgreSQL, MySQL and SQLite evaluate
# once per statement, so the page itself still reads only `limit` rows in index order.
TOTAL = "listing_total"


def _statements(
    source: type[Any], selected: Sequence[Any], order_by: QueryableAttribute[Any]
) -> tuple[Select[Any], Select[Any]]:
    key = (source, *selected, order_by)
    built = _built.get(key)
    if built is None:
        count: Select[Any] = select(func.count()).select_from(source)
        rows: Select[Any] = (
            select(*selected, count.scalar_subquery().label(TOTAL))
            .order_by(order_by)
            .offset(bindparam("offset", type_=Integer))
            .limit(bindparam("limit", type_=Integer))
        )
        built = _built[key] = (count, rows)
    return built


async def _total(
    session: AsyncSession, count: Select[Any], page_total: int | None, offset: int
) -> int:
    # `page_total`: what the page's first row carried, None when the page is empty.
    if page_total is not None:
        return int(page_total)
    if offset == 0:
        return 0
    # Past the last row the page says nothing of the total: ask for it (rare).
    return await (await session.connection()).scalar(count) or 0


async def sql_page(
    session: AsyncSession,
    entity: type[RowT],
    order_by: QueryableAttribute[Any],
    offset: int,
    limit: int,
) -> Page[RowT]:
    """`entity` rows in `order_by` order from `offset`, at most `limit` (capped), with the total."""
    offset, limit = clamp_offset(offset), clamp_limit(limit)
    count, statement = _statements(entity, (entity,), order_by)
    with sql_errors():
        rows = (await session.execute(statement, {"offset": offset, "limit": limit})).all()
        page_total = rows[0]._mapping[TOTAL] if rows else None
        total = await _total(session, count, page_total, offset)
    return Page(items=[row[0] for row in rows], total=total, offset=offset, limit=limit)


async def sql_column_page(
    session: AsyncSession,
    entity: type[Any],
    columns: Sequence[QueryableAttribute[Any]],
    order_by: QueryableAttribute[Any],
    offset: int,
    limit: int,
) -> Page[dict[str, Any]]:
    """Like `sql_page`, but plain rows of `entity`'s `columns` by key, not entities."""
    offset, limit = clamp_offset(offset), clamp_limit(limit)
    count, statement = _statements(entity, columns, order_by)
    # On the session's connection, outside the ORM (on PostgreSQL straight through the
    # driver): no entities built and tracked for rows that go straight into response
    # models. Like the ORM path, it does not autoflush: repositories flush their own writes.
    rows = await read_rows(
        await session.connection(), statement, {"offset": offset, "limit": limit}
    )
    # Each row carried the total; the items hold the listed columns only.
    totals = [row.pop(TOTAL) for row in rows]
    with sql_errors():
        total = await _total(session, count, totals[0] if totals else None, offset)
    return Page(items=rows, total=total, offset=offset, limit=limit)
