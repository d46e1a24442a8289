"""Prices are exact decimals: parsed from the JSON text, stored as Decimal128, sent as strings."""

import json
from decimal import Decimal
from typing import Any

import httpx
import pytest
from bson import Decimal128, ObjectId
from pymongo.asynchronous.database import AsyncDatabase

from app.core.errors import ErrorType
from tests.behaviour.domain import API, Accounts, Caller, create_category, create_product
from tests.envelope import assert_envelope

PRODUCTS = f"{API}/products"
Db = AsyncDatabase[dict[str, Any]]


async def seller(api: httpx.AsyncClient, accounts: Accounts) -> Caller:
    admin = await accounts.admin("root")
    await create_category(api, admin, "tools")
    return await accounts.user("ann")


async def post_raw(api: httpx.AsyncClient, owner: Caller, price_json: str) -> httpx.Response:
    """POST a product whose price is spelled exactly as `price_json` in the body text."""
    text = f'{{"name": "widget", "category": "tools", "price": {price_json}}}'
    headers = {**owner.headers, "Content-Type": "application/json"}
    return await api.post(PRODUCTS, content=text.encode(), headers=headers)


async def test_tenths_add_up_exactly(api: httpx.AsyncClient, accounts: Accounts) -> None:
    ann = await seller(api, accounts)
    ten = await create_product(api, ann, "ten", "tools", "0.10")
    twenty = await create_product(api, ann, "twenty", "tools", "0.20")
    # As floats 0.1 + 0.2 is 0.30000000000000004; these are exact.
    assert Decimal(ten["price"]) + Decimal(twenty["price"]) == Decimal("0.30")
    thirty = await create_product(api, ann, "thirty", "tools", "0.30")
    fetched = await api.get(f"{PRODUCTS}/{thirty['id']}")
    assert '"price":"0.30"' in fetched.text
    assert fetched.json()["data"]["price"] == "0.30"


async def test_stored_as_decimal128(
    api: httpx.AsyncClient, accounts: Accounts, app_mongo: Db
) -> None:
    ann = await seller(api, accounts)
    product = await create_product(api, ann, "widget", "tools", "0.30")
    stored = await app_mongo["products"].find_one({"_id": ObjectId(product["id"])})
    assert stored is not None
    assert isinstance(stored["price"], Decimal128)
    assert stored["price"].to_decimal() == Decimal("0.30")


@pytest.mark.parametrize(
    ("price_json", "sent_back"),
    [
        ("0.1", "0.10"),
        ("0.10", "0.10"),
        ("0.3", "0.30"),
        ("7", "7.00"),
        ("1e2", "100.00"),
        ("999999.99", "999999.99"),
        ('"0.30"', "0.30"),
        ('"12"', "12.00"),
        ('"0.01"', "0.01"),
    ],
)
async def test_accepted_spellings(
    api: httpx.AsyncClient, accounts: Accounts, price_json: str, sent_back: str
) -> None:
    ann = await seller(api, accounts)
    body = assert_envelope(await post_raw(api, ann, price_json), 201)
    assert body["data"]["price"] == sent_back
    listing = (await api.get(PRODUCTS)).json()
    assert listing["data"]["items"][0]["price"] == sent_back


@pytest.mark.parametrize(
    "price_json",
    [
        # The float nearest to this is 0.1, so a float parser would accept it as 0.10.
        "0.1000000000000000055511151231257827",
        "0.105",
        '"0.105"',
        "0",
        '"0.00"',
        "-1",
        '"-0.50"',
        "1000000",
        '"1000000.00"',
        '"1e2"',
        '" 1.00"',
        '"1,00"',
        '""',
        "NaN",
        "Infinity",
        "true",
        "null",
        "[1]",
        '{"amount": 1}',
    ],
)
async def test_refused_spellings(
    api: httpx.AsyncClient, accounts: Accounts, app_mongo: Db, price_json: str
) -> None:
    ann = await seller(api, accounts)
    body = assert_envelope(await post_raw(api, ann, price_json), 422, ErrorType.VALIDATION_ERROR)
    assert [issue["loc"] for issue in body["data"]] == [["body", "price"]]
    # Nothing echoed: the issue is described, the value is not repeated.
    assert "input" not in body["data"][0]
    assert await app_mongo["products"].count_documents({}) == 0


async def test_update_price_exactly(api: httpx.AsyncClient, accounts: Accounts) -> None:
    ann = await seller(api, accounts)
    product = await create_product(api, ann, "widget", "tools", "1.00")
    text = json.dumps({"price": "0.30"})
    headers = {**ann.headers, "Content-Type": "application/json"}
    response = await api.patch(f"{PRODUCTS}/{product['id']}", content=text, headers=headers)
    assert assert_envelope(response, 200)["data"]["price"] == "0.30"
    refused = await api.patch(
        f"{PRODUCTS}/{product['id']}", content=b'{"price": 0.333}', headers=headers
    )
    assert_envelope(refused, 422)
    assert (await api.get(f"{PRODUCTS}/{product['id']}")).json()["data"]["price"] == "0.30"


async def test_price_filters_are_exact_at_the_bounds(
    api: httpx.AsyncClient, accounts: Accounts
) -> None:
    ann = await seller(api, accounts)
    for name, price in [("low", "0.29"), ("edge", "0.30"), ("high", "0.31")]:
        await create_product(api, ann, name, "tools", price)

    async def priced(**params: str) -> set[str]:
        body = assert_envelope(await api.get(PRODUCTS, params=params), 200)
        return {item["name"] for item in body["data"]["items"]}

    assert await priced(min_price="0.30") == {"edge", "high"}
    assert await priced(max_price="0.3") == {"low", "edge"}
    assert await priced(min_price="0.30", max_price="0.30") == {"edge"}
    assert await priced(min_price="0") == {"low", "edge", "high"}
