"""REST and GraphQL side by side: the same caller and input give the same data or error_type."""

from typing import Any

import httpx
from bson import ObjectId

from app.core.errors import ErrorType
from tests.behaviour.domain import API, Accounts, Caller, create_category, create_product
from tests.behaviour.graphql_calls import (
    CATEGORY_FIELDS,
    PRODUCT_FIELDS,
    as_rest_category,
    as_rest_product,
    data_of,
    error_of,
    graphql,
    same_instants,
)
from tests.envelope import assert_envelope

PRODUCTS = f"{API}/products"
CATEGORIES = f"{API}/categories"

LIST_CATEGORIES = (
    "query($page: PageInput) { categories(page: $page)"
    f" {{ items {{ {CATEGORY_FIELDS} }} total offset limit }} }}"
)
GET_CATEGORY = f"query($slug: String!) {{ category(slug: $slug) {{ {CATEGORY_FIELDS} }} }}"
CREATE_CATEGORY = (
    "mutation($input: CategoryCreateInput!) { createCategory(input: $input)"
    f" {{ {CATEGORY_FIELDS} }} }}"
)
LIST_PRODUCTS = (
    "query($filter: ProductFilter, $page: PageInput) { products(filter: $filter, page: $page)"
    f" {{ items {{ {PRODUCT_FIELDS} }} total offset limit }} }}"
)
GET_PRODUCT = f"query($id: ID!) {{ product(id: $id) {{ {PRODUCT_FIELDS} }} }}"
CREATE_PRODUCT = (
    "mutation($input: ProductCreateInput!) { createProduct(input: $input)"
    f" {{ {PRODUCT_FIELDS} }} }}"
)
UPDATE_PRODUCT = (
    "mutation($id: ID!, $input: ProductUpdateInput!) { updateProduct(id: $id, input: $input)"
    f" {{ {PRODUCT_FIELDS} }} }}"
)
DELETE_PRODUCT = "mutation($id: ID!) { deleteProduct(id: $id) }"


def rest_error(response: httpx.Response, error_type: ErrorType) -> dict[str, Any]:
    """The REST envelope of a refusal, checked to be of `error_type`."""
    return assert_envelope(response, error_type.status_code, error_type)


def same_failure(
    response: httpx.Response, body: dict[str, Any], error_type: ErrorType
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Both transports refused with `error_type`; their envelopes, REST's first."""
    rest, gql = rest_error(response, error_type), error_of(body, error_type)
    assert gql["message"] == rest["message"]
    return rest, gql


async def shop(api: httpx.AsyncClient, accounts: Accounts) -> tuple[Caller, Caller, Caller]:
    """An administrator, two users, and the categories `tools`, `books` and `games`."""
    admin = await accounts.admin("root")
    ann, bob = await accounts.user("ann"), await accounts.user("bob")
    for slug in ("tools", "books", "games"):
        await create_category(api, admin, slug)
    return admin, ann, bob


async def test_category_reads_match(api: httpx.AsyncClient, accounts: Accounts) -> None:
    await shop(api, accounts)
    page = {"offset": 1, "limit": 2}
    rest = assert_envelope(await api.get(CATEGORIES, params=page), 200)["data"]
    gql = data_of(await graphql(api, LIST_CATEGORIES, {"page": page}), "categories")
    assert [as_rest_category(item) for item in gql["items"]] == [
        same_instants(item) for item in rest["items"]
    ]
    assert (
        (gql["total"], gql["offset"], gql["limit"])
        == (3, 1, 2)
        == (
            rest["total"],
            rest["offset"],
            rest["limit"],
        )
    )
    # No page given: both use the same defaults.
    default = data_of(await graphql(api, LIST_CATEGORIES), "categories")
    assert default["limit"] == assert_envelope(await api.get(CATEGORIES), 200)["data"]["limit"]
    one = assert_envelope(await api.get(f"{CATEGORIES}/books"), 200)["data"]
    gql_one = data_of(await graphql(api, GET_CATEGORY, {"slug": "books"}), "category")
    assert as_rest_category(gql_one) == same_instants(one)


async def test_category_read_failures_match(api: httpx.AsyncClient) -> None:
    missing = await graphql(api, GET_CATEGORY, {"slug": "no-such"})
    same_failure(await api.get(f"{CATEGORIES}/no-such"), missing, ErrorType.NOT_FOUND)
    bad_slug = await graphql(api, GET_CATEGORY, {"slug": "Not A Slug"})
    rest, gql = same_failure(
        await api.get(f"{CATEGORIES}/Not A Slug"), bad_slug, ErrorType.VALIDATION_ERROR
    )
    assert gql["data"] == rest["data"]
    too_many = await graphql(api, LIST_CATEGORIES, {"page": {"offset": 0, "limit": 101}})
    rest, gql = same_failure(
        await api.get(CATEGORIES, params={"limit": 101}), too_many, ErrorType.VALIDATION_ERROR
    )
    assert gql["data"] == rest["data"]


async def test_create_category_matches(api: httpx.AsyncClient, accounts: Accounts) -> None:
    admin, ann, _ = await shop(api, accounts)
    made = data_of(
        await graphql(
            api, CREATE_CATEGORY, {"input": {"slug": "garden", "name": " Garden "}}, admin.headers
        ),
        "createCategory",
    )
    stored = assert_envelope(await api.get(f"{CATEGORIES}/garden"), 200)["data"]
    assert as_rest_category(made) == same_instants(stored)
    assert stored["name"] == "Garden"  # stripped by the same model REST uses

    duplicate = {"slug": "garden", "name": "Again"}
    same_failure(
        await api.post(CATEGORIES, json=duplicate, headers=admin.headers),
        await graphql(api, CREATE_CATEGORY, {"input": duplicate}, admin.headers),
        ErrorType.CONFLICT,
    )
    fresh = {"slug": "kitchen", "name": "Kitchen"}
    # A user's token is not an admin's: 401 on both, as realms never mix.
    same_failure(
        await api.post(CATEGORIES, json=fresh, headers=ann.headers),
        await graphql(api, CREATE_CATEGORY, {"input": fresh}, ann.headers),
        ErrorType.UNAUTHORIZED,
    )
    same_failure(
        await api.post(CATEGORIES, json=fresh),
        await graphql(api, CREATE_CATEGORY, {"input": fresh}),
        ErrorType.UNAUTHORIZED,
    )
    bad = {"slug": "Bad Slug", "name": ""}
    rest, gql = same_failure(
        await api.post(CATEGORIES, json=bad, headers=admin.headers),
        await graphql(api, CREATE_CATEGORY, {"input": bad}, admin.headers),
        ErrorType.VALIDATION_ERROR,
    )
    assert gql["data"] == rest["data"]
    assert {tuple(issue["loc"]) for issue in gql["data"]} == {("body", "slug"), ("body", "name")}
    listing = assert_envelope(await api.get(CATEGORIES), 200)["data"]
    assert [item["slug"] for item in listing["items"]] == ["books", "games", "garden", "tools"]


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
    payload = {
        "name": " Claw hammer ",
        "description": "Steel head",
        "price": "12.3",
        "category": "tools",
        "tags": ["steel", "hand", "steel"],
    }
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
        (good, admin, ErrorType.UNAUTHORIZED),
        ({**good, "price": "1.005"}, ann, ErrorType.VALIDATION_ERROR),
        ({**good, "price": "0"}, ann, ErrorType.VALIDATION_ERROR),
        ({**good, "price": "1e2"}, ann, ErrorType.VALIDATION_ERROR),
        ({**good, "category": "no-such"}, ann, ErrorType.VALIDATION_ERROR),
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
    assert [issue["loc"] for issue in error_of(unknown, ErrorType.VALIDATION_ERROR)["data"]] == [
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
        (product["id"], {"category": "no-such"}, ann, ErrorType.VALIDATION_ERROR),
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
