"""One page of a table's rows with the total count: the `list` of every SQL repository."""

from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from app.database.page import Page, clamp_limit, clamp_offset
from app.database.sql_errors import sql_errors

RowT = TypeVar("RowT")


async def sql_page(
    session: AsyncSession,
    entity: type[RowT],
    order_by: QueryableAttribute[Any],
    offset: int,
    limit: int,
) -> Page[RowT]:
    """`entity` rows in `order_by` order from `offset`, at most `limit` (capped), with the total."""
    offset, limit = clamp_offset(offset), clamp_limit(limit)
    with sql_errors():
        total = await session.scalar(select(func.count()).select_from(entity)) or 0
        rows = await session.scalars(select(entity).order_by(order_by).offset(offset).limit(limit))
    return Page(items=[*rows], total=total, offset=offset, limit=limit)
