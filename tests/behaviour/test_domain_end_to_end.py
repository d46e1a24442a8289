"""One shop, end to end through the API: a category and its products across both databases."""

from decimal import Decimal
from typing import Any

import httpx

from app.core.errors import ErrorType
from tests.behaviour.domain import API, Accounts, Caller
from tests.envelope import assert_envelope


async def test_category_and_products_life_cycle(api: httpx.AsyncClient, accounts: Accounts) -> None:
    admin, ann, bob = (
        await accounts.admin("root"),
        await accounts.user("ann"),
        await accounts.user("bob"),
    )

    # An administrator opens a category (PostgreSQL).
    created = await api.post(
        f"{API}/categories", json={"slug": "garden", "name": "Garden"}, headers=admin.headers
    )
    assert_envelope(created, 201, ErrorType.RESOURCE_CREATED)

    # Two users offer products in it (MongoDB; the category is checked in PostgreSQL).
    offers: list[tuple[Caller, dict[str, Any]]] = [
        (ann, {"name": "Rake", "price": "0.10", "category": "garden", "tags": ["tool"]}),
        (ann, {"name": "Seeds", "price": "0.20", "category": "garden", "tags": ["plant"]}),
        (bob, {"name": "Hose", "price": "19.99", "category": "garden", "tags": ["tool"]}),
    ]
    ids: dict[str, str] = {}
    for owner, body in offers:
        response = await api.post(f"{API}/products", json=body, headers=owner.headers)
        ids[body["name"]] = assert_envelope(response, 201)["data"]["id"]

    # Listed and filtered.
    listing = assert_envelope(
        await api.get(f"{API}/products", params={"category": "garden", "sort": "price"}), 200
    )
    items = listing["data"]["items"]
    assert [item["name"] for item in items] == ["Rake", "Seeds", "Hose"]
    assert listing["data"]["total"] == 3
    assert sum(Decimal(item["price"]) for item in items[:2]) == Decimal("0.30")
    tools = assert_envelope(
        await api.get(f"{API}/products", params={"tag": "tool", "max_price": "1"}), 200
    )
    assert [item["name"] for item in tools["data"]["items"]] == ["Rake"]

    # The category cannot go while it has active products.
    assert_envelope(await api.delete(f"{API}/categories/garden", headers=admin.headers), 409)

    # Updated by the owner; refused to another user; an administrator may change it too.
    rake = f"{API}/products/{ids['Rake']}"
    assert_envelope(await api.patch(rake, json={"price": "0.15"}, headers=bob.headers), 403)
    updated = await api.patch(rake, json={"price": "0.25"}, headers=ann.headers)
    assert assert_envelope(updated, 200)["data"]["price"] == "0.25"
    renamed = await api.patch(rake, json={"name": "Leaf rake"}, headers=admin.headers)
    assert assert_envelope(renamed, 200)["data"]["name"] == "Leaf rake"
    search = await api.get(f"{API}/products", params={"search": "leaf"})
    assert [item["price"] for item in assert_envelope(search, 200)["data"]["items"]] == ["0.25"]

    # Soft-deleted: gone from reads, and then the category can be deleted.
    assert_envelope(await api.delete(rake, headers=ann.headers), 200)
    assert_envelope(await api.delete(f"{API}/products/{ids['Seeds']}", headers=ann.headers), 200)
    assert_envelope(await api.delete(f"{API}/products/{ids['Hose']}", headers=admin.headers), 200)
    assert_envelope(await api.get(rake), 404)
    empty = assert_envelope(await api.get(f"{API}/products", params={"category": "garden"}), 200)
    assert (empty["data"]["items"], empty["data"]["total"]) == ([], 0)
    assert_envelope(await api.delete(f"{API}/categories/garden", headers=admin.headers), 200)
    assert_envelope(await api.get(f"{API}/categories/garden"), 404)

    # With the category gone, new products cannot name it.
    orphan = {"name": "Spade", "price": "5.00", "category": "garden"}
    refused = await api.post(f"{API}/products", json=orphan, headers=ann.headers)
    assert assert_envelope(refused, 409)["data"][0]["loc"] == ["body", "category"]
