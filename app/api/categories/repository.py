"""Categories in the PostgreSQL role; failures come out as domain errors only."""

from collections.abc import Collection
from enum import Enum
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.api.categories.schema import CategoryCreate, CategoryUpdate
from app.core.errors import NotFoundError
from app.core.i18n import MessageKey
from app.database.page import Page
from app.database.sql_errors import sql_errors
from app.database.sql_page import sql_column_page
from app.models.postgres.categories import Category

# What the listing reads: `CategoryOut`'s fields.
LISTED = (Category.slug, Category.name, Category.created_at, Category.updated_at)


class RowLock(Enum):
    """How `get_by_slug` locks the row it reads."""

    SHARE = "share"
    UPDATE = "update"


class CategoryRepository:
    """Reads and writes `categories` inside the caller's unit of work (it never commits)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(self, data: CategoryCreate) -> Category:
        """Add a category; `ConflictError` if the slug is taken."""
        category = Category(slug=data.slug, name=data.name)
        with sql_errors(MessageKey.CATEGORY_EXISTS):
            self.session.add(category)
            await self.session.flush()
        return category

    async def get_by_slug(self, slug: str, *, lock: RowLock | None = None) -> Category:
        """The category with this slug; `NotFoundError` if there is none.

        `lock` holds the row until the unit of work ends (PostgreSQL; SQLite has no row
        locks and serialises writers instead): `SHARE` while something comes to depend on
        the category, `UPDATE` while checking that nothing does before changing it.
        """
        statement = select(Category).where(Category.slug == slug)
        if lock is not None:
            statement = statement.with_for_update(read=lock is RowLock.SHARE)
        with sql_errors():
            category = await self.session.scalar(statement)
        if category is None:
            raise NotFoundError(MessageKey.CATEGORY_NOT_FOUND)
        return category

    async def get_many_by_slugs(self, slugs: Collection[str]) -> list[Category]:
        """The categories with these slugs, in one query (absent slugs are simply missing)."""
        if not slugs:
            return []
        statement = select(Category).where(Category.slug.in_(set(slugs)))
        with sql_errors():
            return [*await self.session.scalars(statement)]

    async def update(self, slug: str, data: CategoryUpdate) -> Category:
        """Rename and/or re-slug; `NotFoundError` if absent, `ConflictError` if taken."""
        category = await self.get_by_slug(slug)
        if data.name is not None:
            category.name = data.name
        if data.slug is not None:
            category.slug = data.slug
        with sql_errors(MessageKey.CATEGORY_EXISTS):
            await self.session.flush()
        return category

    async def delete(self, slug: str) -> None:
        """Remove the category; `NotFoundError` if there is none."""
        category = await self.get_by_slug(slug)
        with sql_errors():
            await self.session.delete(category)
            await self.session.flush()

    async def list(self, offset: int = 0, limit: int = 20) -> Page[dict[str, Any]]:
        """Categories in slug order from `offset`, at most `limit`, with the total count.

        Rows of the listed columns by key (`row["slug"]`), not tracked entities: the public
        listing only turns them into response models.
        """
        return await sql_column_page(self.session, Category, LISTED, Category.slug, offset, limit)
