"""Products: ETag, If-None-Match, If-Match against lost updates, and `Location` on create."""

import httpx

from app.core.errors import ErrorType
from tests.behaviour.domain import API, Accounts, create_category
from tests.envelope import assert_envelope

PRODUCTS = f"{API}/products"


async def test_product_create_location_etag_and_lost_update(
    api: httpx.AsyncClient, accounts: Accounts
) -> None:
    admin = await accounts.admin("root")
    await create_category(api, admin, "tools")
    owner = await accounts.user("ann")
    created = await api.post(
        PRODUCTS,
        json={"name": "hammer", "price": "9.99", "category": "tools"},
        headers=owner.headers,
    )
    product = assert_envelope(created, 201)["data"]
    assert created.headers["location"] == f"{PRODUCTS}/{product['id']}"
    read = await api.get(created.headers["location"])
    assert_envelope(read, 200)
    tag = read.headers["etag"]
    not_modified = await api.get(f"{PRODUCTS}/{product['id']}", headers={"If-None-Match": tag})
    assert not_modified.status_code == 304
    # The owner and an admin both edit from the same read: the second is refused.
    first = await api.patch(
        f"{PRODUCTS}/{product['id']}",
        json={"price": "10.00"},
        headers={**owner.headers, "If-Match": tag},
    )
    assert_envelope(first, 200)
    second = await api.patch(
        f"{PRODUCTS}/{product['id']}",
        json={"price": "1.00"},
        headers={**admin.headers, "If-Match": tag},
    )
    assert_envelope(second, 412, ErrorType.PRECONDITION_FAILED)
    now = assert_envelope(await api.get(f"{PRODUCTS}/{product['id']}"), 200)
    assert now["data"]["price"] == "10.00"
    stale_delete = await api.delete(
        f"{PRODUCTS}/{product['id']}", headers={**admin.headers, "If-Match": tag}
    )
    assert_envelope(stale_delete, 412, ErrorType.PRECONDITION_FAILED)
    fresh = (await api.get(f"{PRODUCTS}/{product['id']}")).headers["etag"]
    deleted = await api.delete(
        f"{PRODUCTS}/{product['id']}", headers={**admin.headers, "If-Match": fresh}
    )
    assert_envelope(deleted, 200)
    assert_envelope(await api.get(f"{PRODUCTS}/{product['id']}"), 404)
    listing = await api.get(PRODUCTS)
    assert listing.headers["cache-control"] == "public, max-age=30"
