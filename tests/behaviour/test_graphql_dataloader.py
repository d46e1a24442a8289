"""Products' categories through the DataLoader: one categories lookup per request, no N+1."""

from collections.abc import Collection

import httpx
import pytest

from app.api.categories.repository import CategoryRepository
from app.models.postgres.categories import Category
from tests.behaviour.domain import Accounts, create_category, create_product
from tests.behaviour.graphql_calls import data_of, graphql

PAGE = "{ products(page: {limit: 50}) { items { name category { slug name } } } }"


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The slugs of every `get_many_by_slugs` call the app makes, one list per call."""
    calls: list[list[str]] = []
    original = CategoryRepository.get_many_by_slugs

    async def counted(self: CategoryRepository, slugs: Collection[str]) -> list[Category]:
        calls.append(sorted(slugs))
        return await original(self, slugs)

    monkeypatch.setattr(CategoryRepository, "get_many_by_slugs", counted)
    return calls


async def test_a_page_of_products_reads_categories_once(
    api: httpx.AsyncClient, accounts: Accounts, lookups: list[list[str]]
) -> None:
    admin, ann = await accounts.admin("root"), await accounts.user("ann")
    slugs = ("tools", "books", "games", "music")
    for slug in slugs:
        await create_category(api, admin, slug)
    for index in range(12):
        await create_product(api, ann, f"item-{index}", slugs[index % len(slugs)])

    items = data_of(await graphql(api, PAGE), "products")["items"]

    assert len(items) == 12
    for item in items:
        index = int(item["name"].removeprefix("item-"))
        assert item["category"] == {"slug": slugs[index % 4], "name": slugs[index % 4].title()}
    # Twelve products in four categories: one call, each slug asked for once.
    assert lookups == [sorted(slugs)]


async def test_the_batch_does_not_outlive_the_request(
    api: httpx.AsyncClient, accounts: Accounts, lookups: list[list[str]]
) -> None:
    admin, ann = await accounts.admin("root"), await accounts.user("ann")
    await create_category(api, admin, "tools")
    await create_product(api, ann, "hammer", "tools")
    await graphql(api, PAGE)
    renamed = await api.patch(
        "/api/v1/categories/tools", json={"name": "Hand tools"}, headers=admin.headers
    )
    assert renamed.status_code == 200
    # A new request asks again (and sees the rename): loaders and their caches are per request.
    [item] = data_of(await graphql(api, PAGE), "products")["items"]
    assert item["category"]["name"] == "Hand tools"
    assert lookups == [["tools"], ["tools"]]


async def test_postgres_fields_of_one_query_share_the_session_safely(
    api: httpx.AsyncClient, accounts: Accounts
) -> None:
    # Root query fields resolve concurrently; each PostgreSQL read takes the session in turn.
    admin, ann = await accounts.admin("root"), await accounts.user("ann")
    await create_category(api, admin, "tools")
    await create_category(api, admin, "books")
    await create_product(api, ann, "hammer", "tools")
    query = (
        '{ categories { total } tools: category(slug: "tools") { name }'
        ' books: category(slug: "books") { name }'
        " products { items { category { slug } } } }"
    )
    body = await graphql(api, query)
    assert "errors" not in body, body["errors"]
    assert body["data"] == {
        "categories": {"total": 2},
        "tools": {"name": "Tools"},
        "books": {"name": "Books"},
        "products": {"items": [{"category": {"slug": "tools"}}]},
    }
