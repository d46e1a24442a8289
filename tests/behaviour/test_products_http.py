"""Products: ETag, If-None-Match, If-Match against lost updates, and `Location` on create."""

import httpx

from tests.behaviour.domain import API, Accounts, Caller, create_category
from tests.behaviour.preconditions import assert_if_match_stops_lost_updates
from tests.envelope import assert_envelope

PRODUCTS = f"{API}/products"


async def test_product_create_location_etag_and_lost_update(
    api: httpx.AsyncClient, accounts: Accounts, admin: Caller
) -> None:
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
    await assert_if_match_stops_lost_updates(
        api,
        f"{PRODUCTS}/{product['id']}",
        first=(owner.headers, {"price": "10.00"}),
        second=(admin.headers, {"price": "1.00"}),
    )
    listing = await api.get(PRODUCTS)
    assert listing.headers["cache-control"] == "public, max-age=30"
