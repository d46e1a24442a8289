"""`/api/v1/products`: public reads with filters, user creates, owner-or-admin writes."""

import base64
import json
from datetime import datetime
from typing import Any

import httpx
import pytest
from bson import ObjectId
from pymongo.asynchronous.database import AsyncDatabase

from app.core.errors import ErrorType
from app.core.i18n import MessageKey, translate
from tests.behaviour.domain import (
    API,
    BAD_PAGES,
    UNTIDY_OFFER,
    Accounts,
    Caller,
    create_category,
    create_product,
)
from tests.envelope import assert_envelope

PRODUCTS = f"{API}/products"
Db = AsyncDatabase[dict[str, Any]]


async def shop(api: httpx.AsyncClient, accounts: Accounts) -> tuple[Caller, Caller, Caller]:
    """An administrator, two users, and the categories `tools` and `books`."""
    admin = await accounts.admin("root")
    ann, bob = await accounts.user("ann"), await accounts.user("bob")
    await create_category(api, admin, "tools")
    await create_category(api, admin, "books")
    return admin, ann, bob


async def names(api: httpx.AsyncClient, **params: Any) -> list[str]:
    body = assert_envelope(await api.get(PRODUCTS, params=params), 200, ErrorType.SUCCESS)
    return [item["name"] for item in body["data"]["items"]]


async def test_create_as_a_signed_in_user(api: httpx.AsyncClient, accounts: Accounts) -> None:
    _, ann, _ = await shop(api, accounts)
    response = await api.post(
        PRODUCTS, json={**UNTIDY_OFFER, "price": "12.30"}, headers=ann.headers
    )
    data = assert_envelope(response, 201, ErrorType.RESOURCE_CREATED)["data"]
    assert set(data) == {
        "id",
        "name",
        "description",
        "price",
        "category",
        "owner_id",
        "tags",
        "created_at",
        "updated_at",
    }
    assert (data["name"], data["price"], data["category"]) == ("Claw hammer", "12.30", "tools")
    assert (data["owner_id"], data["tags"]) == (ann.account_id, ["steel", "hand"])
    fetched = assert_envelope(await api.get(f"{PRODUCTS}/{data['id']}"), 200)
    assert fetched["data"] == data


@pytest.mark.parametrize(
    ("caller", "status", "error_type"),
    [("anonymous", 401, ErrorType.UNAUTHORIZED), ("admin", 403, ErrorType.FORBIDDEN)],
)
async def test_create_by_a_non_user_is_refused_and_writes_nothing(
    api: httpx.AsyncClient,
    accounts: Accounts,
    app_mongo: Db,
    caller: str,
    status: int,
    error_type: ErrorType,
) -> None:
    # Products are owned by users: no token is a 401, an admin token (not a user's) a 403.
    admin, _, _ = await shop(api, accounts)
    headers = admin.headers if caller == "admin" else {}
    body = {"name": "hammer", "price": "1.00", "category": "tools"}
    response = await api.post(PRODUCTS, json=body, headers=headers)
    assert_envelope(response, status, error_type)
    assert await app_mongo["products"].count_documents({}) == 0


async def test_create_in_an_unknown_category_is_409_naming_the_field(
    api: httpx.AsyncClient, accounts: Accounts, app_mongo: Db
) -> None:
    _, ann, _ = await shop(api, accounts)
    body = {"name": "hammer", "price": "1.00", "category": "garden"}
    response = await api.post(PRODUCTS, json=body, headers=ann.headers)
    # Well formed (the schema calls it valid) but naming no stored category: a conflict.
    envelope = assert_envelope(response, 409, ErrorType.CONFLICT)
    assert envelope["message"] == "The product's category does not exist."
    assert envelope["data"] == [
        {
            "loc": ["body", "category"],
            "msg": translate(MessageKey.CATEGORY_UNKNOWN, "en"),
            "type": "category_unknown",
        }
    ]
    assert await app_mongo["products"].count_documents({}) == 0


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"name": ""}, ["body", "name"]),
        ({"name": "x" * 121}, ["body", "name"]),
        ({"name": 7}, ["body", "name"]),
        ({"description": "d" * 2001}, ["body", "description"]),
        ({"category": "Tools"}, ["body", "category"]),
        ({"tags": ["Steel"]}, ["body", "tags", 0]),
        ({"tags": [f"t{n}" for n in range(21)]}, ["body", "tags"]),
        ({"tags": "steel"}, ["body", "tags"]),
        ({"owner_id": 99}, ["body", "owner_id"]),
        # NUL (U+0000), refused before the route reads the body (app.core.nul_text).
        ({"description": "a\x00b"}, ["body", "description"]),
        ({"tags": ["st\x00eel"]}, ["body", "tags", 0]),
        ({"price": "1.00\x00"}, ["body", "price"]),
    ],
)
async def test_create_invalid_fields_are_422(
    api: httpx.AsyncClient,
    accounts: Accounts,
    app_mongo: Db,
    change: dict[str, Any],
    loc: list[str | int],
) -> None:
    _, ann, _ = await shop(api, accounts)
    body = {"name": "hammer", "price": "1.00", "category": "tools", **change}
    response = await api.post(PRODUCTS, json=body, headers=ann.headers)
    envelope = assert_envelope(response, 422, ErrorType.VALIDATION_ERROR)
    assert loc in [issue["loc"] for issue in envelope["data"]]
    assert await app_mongo["products"].count_documents({}) == 0


async def test_create_the_same_name_twice_is_409(
    api: httpx.AsyncClient, accounts: Accounts
) -> None:
    _, ann, bob = await shop(api, accounts)
    await create_product(api, ann, "hammer", "tools")
    body = {"name": "hammer", "price": "2.00", "category": "tools"}
    assert_envelope(await api.post(PRODUCTS, json=body, headers=ann.headers), 409)
    # Another owner may use the name.
    assert_envelope(await api.post(PRODUCTS, json=body, headers=bob.headers), 201)


async def test_get_malformed_id_is_422(api: httpx.AsyncClient) -> None:
    for bad in ("123", "z" * 24, "0" * 25):
        body = assert_envelope(await api.get(f"{PRODUCTS}/{bad}"), 422, ErrorType.VALIDATION_ERROR)
        assert body["data"][0]["loc"] == ["path", "product_id"]


async def test_get_absent_is_404(api: httpx.AsyncClient) -> None:
    response = await api.get(f"{PRODUCTS}/{ObjectId()}")
    assert_envelope(response, 404, ErrorType.NOT_FOUND)


async def test_get_deleted_is_404(api: httpx.AsyncClient, accounts: Accounts) -> None:
    _, ann, _ = await shop(api, accounts)
    product = await create_product(api, ann, "hammer", "tools")
    assert_envelope(await api.delete(f"{PRODUCTS}/{product['id']}", headers=ann.headers), 200)
    assert_envelope(await api.get(f"{PRODUCTS}/{product['id']}"), 404, ErrorType.NOT_FOUND)


async def test_list_filters(api: httpx.AsyncClient, accounts: Accounts) -> None:
    _, ann, bob = await shop(api, accounts)
    await create_product(api, ann, "Claw hammer", "tools", "12.00", ["steel"])
    await create_product(api, bob, "Saw", "tools", "25.50", ["steel", "wood"])
    await create_product(api, ann, "Novel", "books", "8.00")
    await create_product(api, ann, "a.c", "books", "1.00")
    gone = await create_product(api, ann, "Chisel", "tools", "5.00")
    assert_envelope(await api.delete(f"{PRODUCTS}/{gone['id']}", headers=ann.headers), 200)

    assert set(await names(api, category="tools")) == {"Claw hammer", "Saw"}
    assert set(await names(api, tag="wood")) == {"Saw"}
    assert set(await names(api, owner_id=bob.account_id)) == {"Saw"}
    assert set(await names(api, search="HAMM")) == {"Claw hammer"}
    # The search text is matched literally: regex syntax finds only names that contain it.
    assert set(await names(api, search=".*")) == set()
    assert set(await names(api, search="a.c")) == {"a.c"}
    assert set(await names(api, min_price="8", max_price="12.00")) == {"Claw hammer", "Novel"}
    assert set(await names(api, min_price="12.01")) == {"Saw"}
    assert set(await names(api, category="tools", tag="steel", max_price="20")) == {"Claw hammer"}
    assert await names(api, category="garden") == []
    listing = assert_envelope(await api.get(PRODUCTS), 200)
    assert listing["data"]["total"] == 4


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("price", ["b", "d", "a", "c"]),
        ("-price", ["c", "a", "d", "b"]),
        ("name", ["a", "b", "c", "d"]),
        ("-name", ["d", "c", "b", "a"]),
        ("created_at", ["a", "b", "c", "d"]),
        ("-created_at", ["d", "c", "b", "a"]),
    ],
)
async def test_list_sorts(
    api: httpx.AsyncClient, accounts: Accounts, sort: str, expected: list[str]
) -> None:
    _, ann, _ = await shop(api, accounts)
    for name, price in [("a", "10.00"), ("b", "2.50"), ("c", "100.00"), ("d", "9.99")]:
        await create_product(api, ann, name, "tools", price)
    assert await names(api, sort=sort) == expected


async def test_list_default_order_is_newest_first(
    api: httpx.AsyncClient, accounts: Accounts
) -> None:
    _, ann, _ = await shop(api, accounts)
    for name in ("first", "second", "third"):
        await create_product(api, ann, name, "tools")
    assert await names(api) == ["third", "second", "first"]


@pytest.mark.parametrize("sort", ["description", "owner_id", "_id", "price,name", "+price", ""])
async def test_list_sort_outside_the_allow_list_is_422(api: httpx.AsyncClient, sort: str) -> None:
    body = assert_envelope(await api.get(PRODUCTS, params={"sort": sort}), 422)
    assert body["data"][0]["loc"] == ["query", "sort"]


async def test_list_pages_with_total(api: httpx.AsyncClient, accounts: Accounts) -> None:
    _, ann, _ = await shop(api, accounts)
    for index in range(5):
        await create_product(api, ann, f"item-{index}", "tools")
    seen: list[str] = []
    for offset in (0, 2, 4):
        params = {"sort": "name", "offset": offset, "limit": 2}
        body = assert_envelope(await api.get(PRODUCTS, params=params), 200)
        assert (body["data"]["total"], body["data"]["offset"], body["data"]["limit"]) == (
            5,
            offset,
            2,
        )
        seen += [item["name"] for item in body["data"]["items"]]
    assert seen == [f"item-{index}" for index in range(5)]


@pytest.mark.parametrize(
    "params",
    [
        *BAD_PAGES,
        {"min_price": "-1"},
        {"max_price": "abc"},
        {"min_price": "1.001"},
        {"min_price": "10", "max_price": "5"},
        {"owner_id": 0},
        {"tag": "Not A Tag"},
    ],
)
async def test_list_refuses_bad_parameters(api: httpx.AsyncClient, params: dict[str, Any]) -> None:
    assert_envelope(await api.get(PRODUCTS, params=params), 422, ErrorType.VALIDATION_ERROR)


async def test_list_accepts_the_maximum_page_size(api: httpx.AsyncClient) -> None:
    body = assert_envelope(await api.get(PRODUCTS, params={"limit": 100}), 200)
    assert (body["data"]["limit"], body["data"]["total"], body["data"]["items"]) == (100, 0, [])


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


async def test_owner_updates(api: httpx.AsyncClient, accounts: Accounts) -> None:
    _, ann, _ = await shop(api, accounts)
    product = await create_product(api, ann, "hammer", "tools", "12.00", ["steel"])
    change = {"price": "13.75", "tags": ["sale"], "category": "books", "description": "Now a book"}
    response = await api.patch(f"{PRODUCTS}/{product['id']}", json=change, headers=ann.headers)
    data = assert_envelope(response, 200, ErrorType.SUCCESS)["data"]
    assert (data["name"], data["price"], data["tags"]) == ("hammer", "13.75", ["sale"])
    assert (data["category"], data["description"]) == ("books", "Now a book")
    # Compared as instants: ISO strings of a whole second ("...51Z") and a fraction
    # ("...51.006Z") do not sort as the times do.
    assert _instant(data["updated_at"]) >= _instant(product["updated_at"])
    assert data["created_at"] == product["created_at"]


async def test_admin_updates_anyones_product(api: httpx.AsyncClient, accounts: Accounts) -> None:
    admin, ann, _ = await shop(api, accounts)
    product = await create_product(api, ann, "hammer", "tools")
    response = await api.patch(
        f"{PRODUCTS}/{product['id']}", json={"name": "Mallet"}, headers=admin.headers
    )
    data = assert_envelope(response, 200)["data"]
    assert (data["name"], data["owner_id"]) == ("Mallet", ann.account_id)


async def test_another_user_cannot_update(api: httpx.AsyncClient, accounts: Accounts) -> None:
    _, ann, bob = await shop(api, accounts)
    product = await create_product(api, ann, "hammer", "tools", "12.00")
    response = await api.patch(
        f"{PRODUCTS}/{product['id']}", json={"price": "0.01"}, headers=bob.headers
    )
    body = assert_envelope(response, 403, ErrorType.FORBIDDEN)
    assert body["message"] == "Only the product's owner or an administrator can change it."
    assert (await api.get(f"{PRODUCTS}/{product['id']}")).json()["data"]["price"] == "12.00"


async def test_update_without_a_token_is_401(api: httpx.AsyncClient, accounts: Accounts) -> None:
    _, ann, _ = await shop(api, accounts)
    product = await create_product(api, ann, "hammer", "tools")
    response = await api.patch(f"{PRODUCTS}/{product['id']}", json={"name": "x"})
    assert_envelope(response, 401, ErrorType.UNAUTHORIZED)
    assert response.headers["www-authenticate"] == "Bearer"


async def test_update_with_a_garbage_or_revoked_token_is_401(
    api: httpx.AsyncClient, accounts: Accounts
) -> None:
    _, ann, _ = await shop(api, accounts)
    product = await create_product(api, ann, "hammer", "tools")
    url = f"{PRODUCTS}/{product['id']}"
    garbage = {"Authorization": "Bearer not.a.token"}
    assert_envelope(await api.patch(url, json={"name": "x"}, headers=garbage), 401)
    await accounts.sign_out(ann)
    assert_envelope(await api.patch(url, json={"name": "x"}, headers=ann.headers), 401)
    assert (await api.get(url)).json()["data"]["name"] == "hammer"


async def test_update_absent_or_malformed(api: httpx.AsyncClient, accounts: Accounts) -> None:
    _, ann, _ = await shop(api, accounts)
    absent = await api.patch(f"{PRODUCTS}/{ObjectId()}", json={"name": "x"}, headers=ann.headers)
    assert_envelope(absent, 404, ErrorType.NOT_FOUND)
    malformed = await api.patch(f"{PRODUCTS}/nope", json={"name": "x"}, headers=ann.headers)
    assert_envelope(malformed, 422, ErrorType.VALIDATION_ERROR)


async def test_update_into_an_unknown_category_is_409(
    api: httpx.AsyncClient, accounts: Accounts
) -> None:
    _, ann, _ = await shop(api, accounts)
    product = await create_product(api, ann, "hammer", "tools")
    response = await api.patch(
        f"{PRODUCTS}/{product['id']}", json={"category": "garden"}, headers=ann.headers
    )
    body = assert_envelope(response, 409, ErrorType.CONFLICT)
    assert body["data"][0]["loc"] == ["body", "category"]
    assert (await api.get(f"{PRODUCTS}/{product['id']}")).json()["data"]["category"] == "tools"


async def test_update_into_a_taken_name_is_409(api: httpx.AsyncClient, accounts: Accounts) -> None:
    _, ann, _ = await shop(api, accounts)
    await create_product(api, ann, "hammer", "tools")
    saw = await create_product(api, ann, "saw", "tools")
    response = await api.patch(
        f"{PRODUCTS}/{saw['id']}", json={"name": "hammer"}, headers=ann.headers
    )
    assert_envelope(response, 409, ErrorType.CONFLICT)


async def test_owner_soft_deletes(
    api: httpx.AsyncClient, accounts: Accounts, app_mongo: Db
) -> None:
    _, ann, _ = await shop(api, accounts)
    product = await create_product(api, ann, "hammer", "tools")
    response = await api.delete(f"{PRODUCTS}/{product['id']}", headers=ann.headers)
    assert assert_envelope(response, 200, ErrorType.SUCCESS)["data"] is None
    assert await names(api) == []
    # Kept, inactive: a soft delete.
    stored = await app_mongo["products"].find_one({"_id": ObjectId(product["id"])})
    assert stored is not None
    assert stored["active"] is False
    again = await api.delete(f"{PRODUCTS}/{product['id']}", headers=ann.headers)
    assert_envelope(again, 404, ErrorType.NOT_FOUND)


async def test_admin_deletes_anyones_product(api: httpx.AsyncClient, accounts: Accounts) -> None:
    admin, ann, _ = await shop(api, accounts)
    product = await create_product(api, ann, "hammer", "tools")
    assert_envelope(await api.delete(f"{PRODUCTS}/{product['id']}", headers=admin.headers), 200)
    assert_envelope(await api.get(f"{PRODUCTS}/{product['id']}"), 404)


async def test_another_user_cannot_delete(api: httpx.AsyncClient, accounts: Accounts) -> None:
    _, ann, bob = await shop(api, accounts)
    product = await create_product(api, ann, "hammer", "tools")
    response = await api.delete(f"{PRODUCTS}/{product['id']}", headers=bob.headers)
    assert_envelope(response, 403, ErrorType.FORBIDDEN)
    assert_envelope(await api.get(f"{PRODUCTS}/{product['id']}"), 200)


async def test_delete_without_a_token_is_401(api: httpx.AsyncClient, accounts: Accounts) -> None:
    _, ann, _ = await shop(api, accounts)
    product = await create_product(api, ann, "hammer", "tools")
    assert_envelope(await api.delete(f"{PRODUCTS}/{product['id']}"), 401, ErrorType.UNAUTHORIZED)
    assert_envelope(await api.get(f"{PRODUCTS}/{product['id']}"), 200)


async def test_delete_absent_or_malformed(api: httpx.AsyncClient, accounts: Accounts) -> None:
    admin, _, _ = await shop(api, accounts)
    absent = await api.delete(f"{PRODUCTS}/{ObjectId()}", headers=admin.headers)
    assert_envelope(absent, 404, ErrorType.NOT_FOUND)
    assert_envelope(await api.delete(f"{PRODUCTS}/x", headers=admin.headers), 422)


async def test_a_token_rewritten_to_claim_the_admin_realm_is_401(
    api: httpx.AsyncClient, accounts: Accounts
) -> None:
    # The realm claim only picks which realm to verify in; the signature still has to hold.
    _, ann, bob = await shop(api, accounts)
    product = await create_product(api, ann, "hammer", "tools")
    header, payload, signature = bob.access_token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["realm"] = "admin"
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    forged = {"Authorization": f"Bearer {header}.{forged_payload}.{signature}"}
    response = await api.patch(f"{PRODUCTS}/{product['id']}", json={"name": "x"}, headers=forged)
    assert_envelope(response, 401, ErrorType.UNAUTHORIZED)
    assert (await api.get(f"{PRODUCTS}/{product['id']}")).json()["data"]["name"] == "hammer"
