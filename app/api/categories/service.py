"""Category rules, shared by REST and GraphQL: who may change categories, and when.

A category lives in PostgreSQL and its products in MongoDB, with no transaction spanning
both. The row lock taken here closes the gap: deleting or re-slugging a category holds it
FOR UPDATE while counting the products in MongoDB, and creating a product holds it FOR
SHARE until its request commits, so one of the two always sees the other.
"""

from collections.abc import Sequence
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from sqlalchemy.ext.asyncio import AsyncSession

from app.api.auth.principal import Principal
from app.api.categories.repository import CategoryRepository, RowLock
from app.api.categories.schema import CategoryCreate, CategoryOut, CategoryUpdate
from app.api.pagination import PageOut, PageQuery, page_out
from app.api.permissions import require_admin
from app.api.products.repository import ProductRepository
from app.core.conditional import check_if_match
from app.core.errors import ConflictError
from app.core.i18n import MessageKey

MongoDatabase = AsyncDatabase[dict[str, Any]]


async def list_categories(session: AsyncSession, query: PageQuery) -> PageOut[CategoryOut]:
    """Categories in slug order, one page of them, with the total count."""
    page = await CategoryRepository(session).list(offset=query.offset, limit=query.limit)
    return page_out(page, CategoryOut.model_validate)


async def get_category(session: AsyncSession, slug: str) -> CategoryOut:
    """The category with this slug; `NotFoundError` if there is none."""
    return CategoryOut.model_validate(await CategoryRepository(session).get_by_slug(slug))


async def create_category(
    session: AsyncSession, principal: Principal | None, data: CategoryCreate
) -> CategoryOut:
    """Add a category (administrators only); `ConflictError` if the slug is taken."""
    require_admin(principal)
    category = await CategoryRepository(session).create(slug=data.slug, name=data.name)
    return CategoryOut.model_validate(category)


async def update_category(
    session: AsyncSession,
    db: MongoDatabase,
    principal: Principal | None,
    slug: str,
    data: CategoryUpdate,
    expected: Sequence[str] | None = None,
) -> CategoryOut:
    """Rename or re-slug a category (administrators only); `ConflictError` to re-slug one in use."""
    require_admin(principal)
    categories = CategoryRepository(session)
    # `expected`: the entity tags the caller last read (`If-Match`); the row, locked until
    # commit, must still have one of them, else `PreconditionFailedError` (412).
    if expected is not None:
        current = await categories.get_by_slug(slug, lock=RowLock.UPDATE)
        check_if_match(expected, CategoryOut.model_validate(current))
    if data.slug is not None and data.slug != slug:
        await categories.get_by_slug(slug, lock=RowLock.UPDATE)
        # Products name their category by slug: one with active products keeps its slug
        # rather than leave them pointing at nothing.
        await _refuse_if_in_use(db, slug)
    category = await categories.update(slug, name=data.name, new_slug=data.slug)
    return CategoryOut.model_validate(category)


async def delete_category(
    session: AsyncSession,
    db: MongoDatabase,
    principal: Principal | None,
    slug: str,
    expected: Sequence[str] | None = None,
) -> None:
    """Remove a category (administrators only); `ConflictError` while active products use it."""
    require_admin(principal)
    categories = CategoryRepository(session)
    # Locked before counting: a product created meanwhile waits for this request to end.
    current = await categories.get_by_slug(slug, lock=RowLock.UPDATE)
    check_if_match(expected, CategoryOut.model_validate(current))
    await _refuse_if_in_use(db, slug)
    await categories.delete(slug)


async def _refuse_if_in_use(db: MongoDatabase, slug: str) -> None:
    if await ProductRepository(db).count_active_by_category(slug):
        raise ConflictError(MessageKey.CATEGORY_IN_USE)
