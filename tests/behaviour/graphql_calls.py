"""GraphQL in the behaviour tests: the operations, posting them, and comparing with REST."""

from datetime import datetime
from typing import Any

import httpx

from app.core.errors import ErrorType
from tests.behaviour.domain import API, Accounts, Caller, create_category
from tests.envelope import assert_envelope, check_graphql_errors

PRODUCT_FIELDS = (
    "id name description price categorySlug ownerId tags createdAt updatedAt category { slug name }"
)
CATEGORY_FIELDS = "slug name createdAt updatedAt"

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


async def graphql(
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """POST one operation to `/graphql`; the JSON body (executed operations answer 200)."""
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers or {}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def data_of(body: dict[str, Any], field: str) -> Any:
    """The root field's value of an answer that carries no error."""
    assert "errors" not in body, body["errors"]
    return body["data"][field]


def error_of(body: dict[str, Any], error_type: ErrorType) -> dict[str, Any]:
    """The envelope in the single error's `extensions`, checked to be of `error_type`."""
    check_graphql_errors(body, "en")
    [error] = body["errors"]
    extensions: dict[str, Any] = error["extensions"]
    assert extensions["error_type"] == error_type.value, extensions
    assert extensions["status_code"] == error_type.status_code
    return extensions


def same_instants(data: dict[str, Any]) -> dict[str, Any]:
    """`data` with its timestamps parsed: REST writes UTC as `Z`, GraphQL's scalar `+00:00`."""
    return {
        key: datetime.fromisoformat(value) if key in {"created_at", "updated_at"} else value
        for key, value in data.items()
    }


# REST's field name for each GraphQL one, per type (`ProductOut`, `CategoryOut`).
_PRODUCT_FIELDS = {
    "id": "id",
    "name": "name",
    "description": "description",
    "price": "price",
    "category": "categorySlug",
    "owner_id": "ownerId",
    "tags": "tags",
    "created_at": "createdAt",
    "updated_at": "updatedAt",
}
_CATEGORY_FIELDS = {
    "slug": "slug",
    "name": "name",
    "created_at": "createdAt",
    "updated_at": "updatedAt",
}


def _as_rest(item: dict[str, Any], fields: dict[str, str]) -> dict[str, Any]:
    return same_instants({rest: item[gql] for rest, gql in fields.items()})


def as_rest_product(product: dict[str, Any]) -> dict[str, Any]:
    """A GraphQL product in REST's `ProductOut` shape, to compare the two transports."""
    return _as_rest(product, _PRODUCT_FIELDS)


def as_rest_category(category: dict[str, Any]) -> dict[str, Any]:
    """A GraphQL category in REST's `CategoryOut` shape."""
    return _as_rest(category, _CATEGORY_FIELDS)


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
