"""Products on REST and GraphQL: the same caller and input give the same data or error_type."""

from typing import Any

import httpx
from bson import ObjectId

from app.core.errors import ErrorType
from tests.behaviour.domain import UNTIDY_OFFER, Accounts, Caller, create_product
from tests.behaviour.graphql_calls import (
    CREATE_CATEGORY,
    CREATE_PRODUCT,
    DELETE_PRODUCT,
    GET_PRODUCT,
    LIST_PRODUCTS,
    PRODUCTS,
    UPDATE_PRODUCT,
    as_rest_product,
    data_of,
    error_of,
    graphql,
    same_failure,
    same_instants,
    shop,
)
from tests.envelope import assert_envelope


async def test_product_reads_match(api: httpx.AsyncClient, accounts: Accounts) -> None:
    _, ann, bob = await shop(api, accounts)
    await create_product(api, ann, "hammer", "tools", "12.30", ["steel"])
    await create_product(api, ann, "saw", "tools", "0.30")
    await create_product(api, bob, "atlas", "books", "7.00")
    params: dict[str, str | int] = {
        "category": "tools",
        "min_price": "0.10",
        "sort": "price",
        "limit": 5,
    }
    rest = assert_envelope(await api.get(PRODUCTS, params=params), 200)["data"]
    variables = {
        "filter": {"category": "tools", "minPrice": "0.10", "sort": "PRICE"},
        "page": {"offset": 0, "limit": 5},
    }
    gql = data_of(await graphql(api, LIST_PRODUCTS, variables), "products")
    assert [as_rest_product(item) for item in gql["items"]] == [
        same_instants(item) for item in rest["items"]
    ]
    assert [item["price"] for item in gql["items"]] == ["0.30", "12.30"]  # strings, never floats
    assert (gql["total"], gql["limit"]) == (rest["total"], rest["limit"]) == (2, 5)
    assert {item["category"]["slug"] for item in gql["items"]} == {"tools"}

    everything = data_of(await graphql(api, LIST_PRODUCTS), "products")
    assert everything["total"] == assert_envelope(await api.get(PRODUCTS), 200)["data"]["total"]

    product_id = rest["items"][1]["id"]
    one = assert_envelope(await api.get(f"{PRODUCTS}/{product_id}"), 200)["data"]
    gql_one = data_of(await graphql(api, GET_PRODUCT, {"id": product_id}), "product")
    assert as_rest_product(gql_one) == same_instants(one)
    assert gql_one["category"] == {"slug": "tools", "name": "Tools"}


async def test_product_read_failures_match(api: httpx.AsyncClient) -> None:
    absent = str(ObjectId())
    same_failure(
        await api.get(f"{PRODUCTS}/{absent}"),
        await graphql(api, GET_PRODUCT, {"id": absent}),
        ErrorType.NOT_FOUND,
    )
    rest, gql = same_failure(
        await api.get(f"{PRODUCTS}/not-an-id"),
        await graphql(api, GET_PRODUCT, {"id": "not-an-id"}),
        ErrorType.VALIDATION_ERROR,
    )
    assert gql["data"] == rest["data"]
    rest, gql = same_failure(
        await api.get(PRODUCTS, params={"min_price": "5.00", "max_price": "1.00"}),
        await graphql(api, LIST_PRODUCTS, {"filter": {"minPrice": "5.00", "maxPrice": "1.00"}}),
        ErrorType.VALIDATION_ERROR,
    )
    assert gql["data"] == rest["data"]


async def test_create_product_matches(api: httpx.AsyncClient, accounts: Accounts) -> None:
    _, ann, _ = await shop(api, accounts)
    payload = {**UNTIDY_OFFER, "price": "12.3"}
    made = data_of(
        await graphql(api, CREATE_PRODUCT, {"input": payload}, ann.headers), "createProduct"
    )
    stored = assert_envelope(await api.get(f"{PRODUCTS}/{made['id']}"), 200)["data"]
    assert as_rest_product(made) == same_instants(stored)
    assert (made["name"], made["price"], made["tags"]) == (
        "Claw hammer",
        "12.30",
        ["steel", "hand"],
    )
    assert made["ownerId"] == ann.account_id
    assert made["category"]["slug"] == "tools"
    # The same offer twice is a conflict on both transports (one active product per name).
    same_failure(
        await api.post(PRODUCTS, json=payload, headers=ann.headers),
        await graphql(api, CREATE_PRODUCT, {"input": payload}, ann.headers),
        ErrorType.CONFLICT,
    )


async def test_create_product_failures_match(api: httpx.AsyncClient, accounts: Accounts) -> None:
    admin, ann, _ = await shop(api, accounts)
    good = {"name": "hammer", "price": "1.00", "category": "tools"}
    cases: list[tuple[dict[str, Any], Caller | None, ErrorType]] = [
        (good, None, ErrorType.UNAUTHORIZED),
        # Products are owned by users: an admin's token is not a user's, on either transport.
        (good, admin, ErrorType.FORBIDDEN),
        ({**good, "price": "1.005"}, ann, ErrorType.VALIDATION_ERROR),
        ({**good, "price": "0"}, ann, ErrorType.VALIDATION_ERROR),
        ({**good, "price": "1e2"}, ann, ErrorType.VALIDATION_ERROR),
        ({**good, "category": "no-such"}, ann, ErrorType.CONFLICT),
    ]
    for payload, caller, error_type in cases:
        headers = caller.headers if caller else {}
        rest, gql = same_failure(
            await api.post(PRODUCTS, json=payload, headers=headers),
            await graphql(api, CREATE_PRODUCT, {"input": payload}, headers),
            error_type,
        )
        assert gql["data"] == rest["data"], payload
    unknown = await graphql(
        api, CREATE_PRODUCT, {"input": {**good, "category": "no-such"}}, ann.headers
    )
    assert [issue["loc"] for issue in error_of(unknown, ErrorType.CONFLICT)["data"]] == [
        ["body", "category"]
    ]
    bad_price = await graphql(
        api, CREATE_PRODUCT, {"input": {**good, "price": "1.005"}}, ann.headers
    )
    assert [issue["loc"] for issue in error_of(bad_price, ErrorType.VALIDATION_ERROR)["data"]] == [
        ["body", "price"]
    ]
    assert assert_envelope(await api.get(PRODUCTS), 200)["data"]["total"] == 0


async def test_update_product_matches(api: httpx.AsyncClient, accounts: Accounts) -> None:
    admin, ann, _ = await shop(api, accounts)
    product = await create_product(api, ann, "hammer", "tools", "12.30")
    change = {"price": "9.50", "category": "books"}
    updated = data_of(
        await graphql(api, UPDATE_PRODUCT, {"id": product["id"], "input": change}, ann.headers),
        "updateProduct",
    )
    stored = assert_envelope(await api.get(f"{PRODUCTS}/{product['id']}"), 200)["data"]
    assert as_rest_product(updated) == same_instants(stored)
    assert (updated["price"], updated["category"]["slug"]) == ("9.50", "books")
    # Any administrator may change it: a token of the other realm, as on REST.
    by_admin = await graphql(
        api, UPDATE_PRODUCT, {"id": product["id"], "input": {"name": "mallet"}}, admin.headers
    )
    assert data_of(by_admin, "updateProduct")["name"] == "mallet"
    rest_by_admin = await api.patch(
        f"{PRODUCTS}/{product['id']}", json={"name": "sledge"}, headers=admin.headers
    )
    assert assert_envelope(rest_by_admin, 200)["data"]["name"] == "sledge"


async def test_update_product_failures_match(api: httpx.AsyncClient, accounts: Accounts) -> None:
    _, ann, bob = await shop(api, accounts)
    product = await create_product(api, ann, "hammer", "tools", "12.30")
    url, absent = f"{PRODUCTS}/{product['id']}", str(ObjectId())
    cases: list[tuple[str, dict[str, Any], Caller | None, ErrorType]] = [
        (product["id"], {"name": "mine"}, bob, ErrorType.FORBIDDEN),
        (product["id"], {"name": "mine"}, None, ErrorType.UNAUTHORIZED),
        (absent, {"name": "ghost"}, ann, ErrorType.NOT_FOUND),
        (product["id"], {"price": "-1"}, ann, ErrorType.VALIDATION_ERROR),
        (product["id"], {"category": "no-such"}, ann, ErrorType.CONFLICT),
    ]
    for product_id, change, caller, error_type in cases:
        headers = caller.headers if caller else {}
        rest, gql = same_failure(
            await api.patch(f"{PRODUCTS}/{product_id}", json=change, headers=headers),
            await graphql(api, UPDATE_PRODUCT, {"id": product_id, "input": change}, headers),
            error_type,
        )
        assert gql["data"] == rest["data"], change
    unchanged = assert_envelope(await api.get(url), 200)["data"]
    assert (unchanged["name"], unchanged["price"], unchanged["category"]) == (
        "hammer",
        "12.30",
        "tools",
    )


async def test_delete_product_matches(api: httpx.AsyncClient, accounts: Accounts) -> None:
    _, ann, bob = await shop(api, accounts)
    first = await create_product(api, ann, "hammer", "tools")
    second = await create_product(api, ann, "saw", "tools")
    for product in (first, second):
        same_failure(
            await api.delete(f"{PRODUCTS}/{product['id']}", headers=bob.headers),
            await graphql(api, DELETE_PRODUCT, {"id": product["id"]}, bob.headers),
            ErrorType.FORBIDDEN,
        )
        same_failure(
            await api.delete(f"{PRODUCTS}/{product['id']}"),
            await graphql(api, DELETE_PRODUCT, {"id": product["id"]}),
            ErrorType.UNAUTHORIZED,
        )
    deleted = await graphql(api, DELETE_PRODUCT, {"id": first["id"]}, ann.headers)
    assert data_of(deleted, "deleteProduct") is True
    assert_envelope(await api.delete(f"{PRODUCTS}/{second['id']}", headers=ann.headers), 200)
    # Gone the same way from both: 404 on REST and NOT_FOUND on GraphQL, for either deletion.
    for product in (first, second):
        same_failure(
            await api.get(f"{PRODUCTS}/{product['id']}"),
            await graphql(api, GET_PRODUCT, {"id": product["id"]}),
            ErrorType.NOT_FOUND,
        )
        same_failure(
            await api.delete(f"{PRODUCTS}/{product['id']}", headers=ann.headers),
            await graphql(api, DELETE_PRODUCT, {"id": product["id"]}, ann.headers),
            ErrorType.NOT_FOUND,
        )


async def test_revoked_token_is_refused_on_a_mutation(
    api: httpx.AsyncClient, accounts: Accounts
) -> None:
    admin, ann, _ = await shop(api, accounts)
    product = await create_product(api, ann, "hammer", "tools")
    await accounts.sign_out(ann)
    await accounts.sign_out(admin)
    change = {"id": product["id"], "input": {"name": "stolen"}}
    for query, variables, caller in (
        (UPDATE_PRODUCT, change, ann),
        (DELETE_PRODUCT, {"id": product["id"]}, ann),
        (CREATE_PRODUCT, {"input": {"name": "x", "price": "1.00", "category": "tools"}}, ann),
        (CREATE_CATEGORY, {"input": {"slug": "garden", "name": "Garden"}}, admin),
        (UPDATE_PRODUCT, change, admin),
    ):
        body = await graphql(api, query, variables, caller.headers)
        error_of(body, ErrorType.UNAUTHORIZED)
        assert body["data"] is None
    assert assert_envelope(await api.get(f"{PRODUCTS}/{product['id']}"), 200)["data"]["name"] == (
        "hammer"
    )
