"""No client value reaches MongoDB as an operator: every such payload is a 422, nothing written."""

from typing import Any

import httpx
import pytest
from pymongo.asynchronous.database import AsyncDatabase

from app.core.errors import ErrorType
from app.core.i18n import MessageKey, translate
from tests.behaviour.domain import API, Accounts, Caller, create_category, create_product
from tests.envelope import assert_envelope

PRODUCTS = f"{API}/products"
CATEGORIES = f"{API}/categories"
Db = AsyncDatabase[dict[str, Any]]
VALID_PRODUCT: dict[str, Any] = {"name": "hammer", "price": "9.99", "category": "tools"}

# Each replaces or adds to an otherwise valid product body.
PRODUCT_PAYLOADS: list[dict[str, Any]] = [
    {"name": {"$gt": ""}},
    {"category": {"$ne": None}},
    {"category": {"$regex": ".*"}},
    {"price": {"$gt": 0}},
    {"description": {"$where": "sleep(1000)"}},
    {"tags": {"$in": ["a"]}},
    {"tags": [{"$gt": ""}]},
    {"tags": ["ok", {"nested": {"$where": "1"}}]},
    {"$where": "this.price > 0"},
    {"$set": {"owner_id": 1}},
    {"name": "hammer", "extra": {"deep": [{"deeper": {"$ne": 1}}]}},
]


async def seller(api: httpx.AsyncClient, accounts: Accounts) -> tuple[Caller, Caller]:
    admin = await accounts.admin("root")
    await create_category(api, admin, "tools")
    return admin, await accounts.user("ann")


@pytest.mark.parametrize("payload", PRODUCT_PAYLOADS)
async def test_create_product_refuses_operators(
    api: httpx.AsyncClient, accounts: Accounts, app_mongo: Db, payload: dict[str, Any]
) -> None:
    _, ann = await seller(api, accounts)
    before = await app_mongo["products"].count_documents({})
    response = await api.post(PRODUCTS, json={**VALID_PRODUCT, **payload}, headers=ann.headers)
    assert_envelope(response, 422, ErrorType.VALIDATION_ERROR)
    assert await app_mongo["products"].count_documents({}) == before == 0


@pytest.mark.parametrize("payload", PRODUCT_PAYLOADS)
async def test_update_product_refuses_operators(
    api: httpx.AsyncClient, accounts: Accounts, app_mongo: Db, payload: dict[str, Any]
) -> None:
    _, ann = await seller(api, accounts)
    product = await create_product(api, ann, "hammer", "tools", "9.99")
    before = await app_mongo["products"].find_one({})
    response = await api.patch(f"{PRODUCTS}/{product['id']}", json=payload, headers=ann.headers)
    assert_envelope(response, 422, ErrorType.VALIDATION_ERROR)
    assert await app_mongo["products"].find_one({}) == before
    assert await app_mongo["products"].count_documents({}) == 1


async def test_a_dollar_key_deep_in_the_body_is_named_as_such(
    api: httpx.AsyncClient, accounts: Accounts
) -> None:
    # The guard catches it before any field is read, whatever the field types would allow.
    _, ann = await seller(api, accounts)
    body = {**VALID_PRODUCT, "tags": [[[{"$where": "1"}]]]}
    envelope = assert_envelope(await api.post(PRODUCTS, json=body, headers=ann.headers), 422)
    assert envelope["data"] == [
        {"loc": ["body"], "msg": translate(MessageKey.ISSUE_OPERATOR, "en"), "type": "operator_key"}
    ]


@pytest.mark.parametrize(
    "payload",
    [
        {"slug": {"$gt": ""}, "name": "Tools"},
        {"slug": "tools", "name": {"$ne": None}},
        {"slug": "tools", "name": "Tools", "$where": "1"},
        {"slug": "tools", "name": "Tools", "meta": {"$ne": 1}},
    ],
)
async def test_category_bodies_refuse_operators(
    api: httpx.AsyncClient, admin: Caller, payload: dict[str, Any]
) -> None:
    response = await api.post(CATEGORIES, json=payload, headers=admin.headers)
    assert_envelope(response, 422, ErrorType.VALIDATION_ERROR)
    assert (await api.get(CATEGORIES)).json()["data"]["total"] == 0
    await create_category(api, admin, "garden")
    patch = await api.patch(f"{CATEGORIES}/garden", json=payload, headers=admin.headers)
    assert_envelope(patch, 422, ErrorType.VALIDATION_ERROR)
    assert (await api.get(f"{CATEGORIES}/garden")).json()["data"]["name"] == "Garden"


@pytest.mark.parametrize(
    "query",
    [
        "category[$ne]=x",
        'category={"$ne":1}',
        "category=$ne",
        "tag[$in]=a",
        'tag={"$gt":""}',
        "min_price[$gt]=0",
        'max_price={"$lt":1}',
        "owner_id[$ne]=1",
        "sort[$natural]=1",
        "$where=1",
        "limit[$gt]=0",
    ],
)
async def test_listing_refuses_operators_in_the_query(
    api: httpx.AsyncClient, accounts: Accounts, query: str
) -> None:
    _, ann = await seller(api, accounts)
    await create_product(api, ann, "hammer", "tools")
    response = await api.get(f"{PRODUCTS}?{query}")
    body = assert_envelope(response, 422, ErrorType.VALIDATION_ERROR)
    assert all(issue["loc"][0] == "query" for issue in body["data"])


@pytest.mark.parametrize("query", ["actor[$ne]=x", "actor=$ne", 'type={"$gt":""}', "$where=1"])
async def test_audit_listing_refuses_operators_in_the_query(
    api: httpx.AsyncClient, admin: Caller, query: str
) -> None:
    response = await api.get(f"{API}/admin/audit?{query}", headers=admin.headers)
    assert_envelope(response, 422, ErrorType.VALIDATION_ERROR)


async def test_text_that_merely_contains_a_dollar_is_searched_literally(
    api: httpx.AsyncClient, accounts: Accounts
) -> None:
    _, ann = await seller(api, accounts)
    await create_product(api, ann, "Gift card 5$", "tools")
    await create_product(api, ann, "{curly} box", "tools")
    for text, expected in (("5$", ["Gift card 5$"]), ("{curly}", ["{curly} box"])):
        body = assert_envelope(await api.get(PRODUCTS, params={"search": text}), 200)
        assert [item["name"] for item in body["data"]["items"]] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$5 deal", ["$5 deal on nails"]),
        ("$where", []),
        ('{"$gt":""}', []),
        ('[{"$regex":".*"}]', []),
        (".*", []),
        ("nails", ["$5 deal on nails"]),
    ],
)
async def test_search_accepts_any_text_and_matches_it_literally(
    api: httpx.AsyncClient, accounts: Accounts, text: str, expected: list[str]
) -> None:
    _, ann = await seller(api, accounts)
    await create_product(api, ann, "$5 deal on nails", "tools")
    await create_product(api, ann, "hammer", "tools")
    body = assert_envelope(await api.get(PRODUCTS, params={"search": text}), 200)
    # Never an operator, never a pattern: text that would match everything matches nothing.
    assert [item["name"] for item in body["data"]["items"]] == expected
