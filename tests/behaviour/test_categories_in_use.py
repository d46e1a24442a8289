"""A category its active products use (in MongoDB) keeps its slug and cannot be deleted."""

import httpx

from app.core.errors import ErrorType
from tests.behaviour.domain import API, Accounts, create_category, create_product
from tests.envelope import assert_envelope

CATEGORIES = f"{API}/categories"


async def test_reslug_a_category_in_use_is_409(api: httpx.AsyncClient, accounts: Accounts) -> None:
    admin, ann = await accounts.admin("root"), await accounts.user("ann")
    await create_category(api, admin, "tools")
    await create_product(api, ann, "hammer", "tools")
    response = await api.patch(
        f"{CATEGORIES}/tools", json={"slug": "hand-tools"}, headers=admin.headers
    )
    assert_envelope(response, 409, ErrorType.CONFLICT)
    assert_envelope(await api.get(f"{CATEGORIES}/tools"), 200)
    assert_envelope(await api.get(f"{CATEGORIES}/hand-tools"), 404)
    # Renaming keeps the slug, so it stays allowed.
    renamed = await api.patch(f"{CATEGORIES}/tools", json={"name": "Hand"}, headers=admin.headers)
    assert_envelope(renamed, 200)


async def test_delete_a_category_with_active_products_is_409(
    api: httpx.AsyncClient, accounts: Accounts
) -> None:
    admin, ann = await accounts.admin("root"), await accounts.user("ann")
    await create_category(api, admin, "tools")
    product = await create_product(api, ann, "hammer", "tools")
    response = await api.delete(f"{CATEGORIES}/tools", headers=admin.headers)
    body = assert_envelope(response, 409, ErrorType.CONFLICT)
    assert body["message"] == "The category still has active products."
    assert_envelope(await api.get(f"{CATEGORIES}/tools"), 200)
    # Once its only product is (soft-)deleted, the category can go.
    assert_envelope(await api.delete(f"{API}/products/{product['id']}", headers=ann.headers), 200)
    assert_envelope(await api.delete(f"{CATEGORIES}/tools", headers=admin.headers), 200)
    assert_envelope(await api.get(f"{CATEGORIES}/tools"), 404)


async def test_in_use_message_is_translated(api: httpx.AsyncClient, accounts: Accounts) -> None:
    admin, ann = await accounts.admin("root"), await accounts.user("ann")
    await create_category(api, admin, "tools")
    await create_product(api, ann, "hammer", "tools")
    headers = {**admin.headers, "Accept-Language": "ar"}
    body = assert_envelope(await api.delete(f"{CATEGORIES}/tools", headers=headers), 409)
    assert body["message"] == "لا تزال هذه الفئة تحتوي على منتجات نشطة."
    assert body["error_type"] == "CONFLICT"
