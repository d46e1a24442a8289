"""CategoryRepository on SQLite (fake) or PostgreSQL (real)."""

from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.api.categories.repository import CategoryRepository
from app.api.categories.schema import CategoryCreate, CategoryUpdate
from app.core.errors import ConflictError, NotFoundError
from app.core.i18n import MessageKey


async def test_create_get_list(postgres_session: AsyncSession) -> None:
    categories = CategoryRepository(postgres_session)
    await categories.create(CategoryCreate(slug="tools", name="Tools"))
    await categories.create(CategoryCreate(slug="books", name="Books"))
    assert (await categories.get_by_slug("tools")).name == "Tools"
    page = await categories.list()
    assert page.total == 2
    assert [category["slug"] for category in page.items] == ["books", "tools"]
    # The total travels with the rows but is not left on them.
    assert set(page.items[0]) == {"slug", "name", "created_at", "updated_at"}


async def test_duplicate_slug_is_conflict(postgres_session: AsyncSession) -> None:
    categories = CategoryRepository(postgres_session)
    await categories.create(CategoryCreate(slug="tools", name="Tools"))
    with pytest.raises(ConflictError) as caught:
        await categories.create(CategoryCreate(slug="tools", name="Other"))
    assert caught.value.message is MessageKey.CATEGORY_EXISTS


async def test_update(postgres_session: AsyncSession) -> None:
    categories = CategoryRepository(postgres_session)
    await categories.create(CategoryCreate(slug="tools", name="Tools"))
    updated = await categories.update("tools", CategoryUpdate(name="Hand tools", slug="hand-tools"))
    assert (updated.slug, updated.name) == ("hand-tools", "Hand tools")
    with pytest.raises(NotFoundError):
        await categories.get_by_slug("tools")


async def test_update_into_a_taken_slug_is_conflict(postgres_session: AsyncSession) -> None:
    categories = CategoryRepository(postgres_session)
    await categories.create(CategoryCreate(slug="tools", name="Tools"))
    await categories.create(CategoryCreate(slug="books", name="Books"))
    with pytest.raises(ConflictError):
        await categories.update("books", CategoryUpdate(slug="tools"))


async def test_delete(postgres_session: AsyncSession) -> None:
    categories = CategoryRepository(postgres_session)
    await categories.create(CategoryCreate(slug="tools", name="Tools"))
    await categories.delete("tools")
    assert (await categories.list()).total == 0


@pytest.mark.parametrize("operation", ["get", "update", "delete"])
async def test_missing_category_is_not_found(
    postgres_session: AsyncSession, operation: str
) -> None:
    categories = CategoryRepository(postgres_session)
    operations: dict[str, Callable[[], Awaitable[object]]] = {
        "get": lambda: categories.get_by_slug("nope"),
        "update": lambda: categories.update("nope", CategoryUpdate(name="x")),
        "delete": lambda: categories.delete("nope"),
    }
    with pytest.raises(NotFoundError) as caught:
        await operations[operation]()
    assert caught.value.message is MessageKey.CATEGORY_NOT_FOUND


async def test_get_many_by_slugs_is_one_lookup_for_several(postgres_session: AsyncSession) -> None:
    categories = CategoryRepository(postgres_session)
    for slug in ("tools", "books", "games"):
        await categories.create(CategoryCreate(slug=slug, name=slug.title()))
    found = await categories.get_many_by_slugs(["games", "tools", "no-such", "tools"])
    # Each existing slug once, whatever was repeated or absent; order is the caller's job.
    assert sorted(category.slug for category in found) == ["games", "tools"]
    assert await categories.get_many_by_slugs([]) == []
