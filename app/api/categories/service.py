"""Category rules, shared by REST and GraphQL: who may change categories, and when.

Other domains may name a category by slug (see `references.py`). Deleting or re-slugging
one holds its row FOR UPDATE while they are asked, so a row naming it that is written
meanwhile (under the category's row read FOR SHARE) waits, and one of the two sees the other.
"""

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from app.api.auth.principal import Principal
from app.api.categories.references import refuse_if_referenced
from app.api.categories.repository import CategoryRepository, RowLock
from app.api.categories.schema import CategoryCreate, CategoryOut, CategoryUpdate
from app.api.pagination import PageOut, PageQuery, page_out
from app.api.permissions import require_admin
from app.core.conditional import check_if_match
from app.database.backends import Backends


async def list_categories(session: AsyncSession, query: PageQuery) -> PageOut[CategoryOut]:
    """Categories in slug order, one page of them, with the total count."""
    page = await CategoryRepository(session).list(offset=query.offset, limit=query.limit)
    return page_out(page, CategoryOut.model_validate)


async def get_category(session: AsyncSession, slug: str) -> CategoryOut:
    """The category with this slug; `NotFoundError` if there is none."""
    return CategoryOut.model_validate(await CategoryRepository(session).get_by_slug(slug))


async def categories_by_slugs(
    session: AsyncSession, slugs: Sequence[str]
) -> list[CategoryOut | None]:
    """The category of each slug, in order, in one query; None where there is none."""
    found = await CategoryRepository(session).get_many_by_slugs(slugs)
    by_slug = {category.slug: CategoryOut.model_validate(category) for category in found}
    return [by_slug.get(slug) for slug in slugs]


async def create_category(
    session: AsyncSession, principal: Principal | None, data: CategoryCreate
) -> CategoryOut:
    """Add a category (administrators only); `ConflictError` if the slug is taken."""
    require_admin(principal)
    category = await CategoryRepository(session).create(data)
    return CategoryOut.model_validate(category)


async def update_category(
    session: AsyncSession,
    backends: Backends,
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
        # Rows elsewhere name it by slug: a category in use keeps its slug rather than
        # leave them pointing at nothing.
        await refuse_if_referenced(backends, slug)
    category = await categories.update(slug, data)
    return CategoryOut.model_validate(category)


async def delete_category(
    session: AsyncSession,
    backends: Backends,
    principal: Principal | None,
    slug: str,
    expected: Sequence[str] | None = None,
) -> None:
    """Remove a category (administrators only); `ConflictError` while it is in use."""
    require_admin(principal)
    categories = CategoryRepository(session)
    # Locked before asking: a row naming it written meanwhile waits for this request to end.
    current = await categories.get_by_slug(slug, lock=RowLock.UPDATE)
    check_if_match(expected, CategoryOut.model_validate(current))
    await refuse_if_referenced(backends, slug)
    await categories.delete(slug)
