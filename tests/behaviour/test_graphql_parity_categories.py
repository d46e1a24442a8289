"""Categories on REST and GraphQL: the same caller and input give the same data or error_type."""

import httpx

from app.core.errors import ErrorType
from app.core.i18n import MessageKey, translate
from tests.behaviour.domain import Accounts, Caller
from tests.behaviour.graphql_calls import (
    CATEGORIES,
    CREATE_CATEGORY,
    GET_CATEGORY,
    LIST_CATEGORIES,
    as_rest_category,
    data_of,
    error_of,
    graphql,
    same_failure,
    same_instants,
    shop,
)
from tests.envelope import assert_envelope


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
    # A user's token is not an admin's: 403 on both, as realms never mix.
    same_failure(
        await api.post(CATEGORIES, json=fresh, headers=ann.headers),
        await graphql(api, CREATE_CATEGORY, {"input": fresh}, ann.headers),
        ErrorType.FORBIDDEN,
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


async def test_revoked_admin_token_is_refused_on_create_category(
    api: httpx.AsyncClient, accounts: Accounts, admin: Caller
) -> None:
    await accounts.sign_out(admin)
    variables = {"input": {"slug": "garden", "name": "Garden"}}
    body = await graphql(api, CREATE_CATEGORY, variables, admin.headers)
    error_of(body, ErrorType.UNAUTHORIZED)
    assert body["data"] is None
    same_failure(
        await api.post(CATEGORIES, json=variables["input"], headers=admin.headers),
        body,
        ErrorType.UNAUTHORIZED,
    )
    assert assert_envelope(await api.get(CATEGORIES), 200)["data"]["total"] == 0


async def test_nul_is_refused_alike_and_nothing_is_created(
    api: httpx.AsyncClient, admin: Caller
) -> None:
    # PostgreSQL cannot store NUL: both transports refuse it before anything runs.
    bad = {"slug": "garden", "name": "Gar\x00den"}
    rest, gql = same_failure(
        await api.post(CATEGORIES, json=bad, headers=admin.headers),
        await graphql(api, CREATE_CATEGORY, {"input": bad}, admin.headers),
        ErrorType.VALIDATION_ERROR,
    )
    assert rest["message"] == translate(MessageKey.NUL_CHARACTER, "en")
    # Each names the place in its own request: REST's body, GraphQL's variables.
    assert [issue["loc"] for issue in rest["data"]] == [["body", "name"]]
    assert [issue["loc"] for issue in gql["data"]] == [["variables", "input", "name"]]
    literal = 'mutation { createCategory(input: {slug: "garden", name: "Gar\\u0000den"}) { slug } }'
    body = await graphql(api, literal, None, admin.headers)
    assert "data" not in body  # refused before execution
    assert error_of(body, ErrorType.VALIDATION_ERROR)["message"] == rest["message"]
    same_failure(
        await api.get(f"{CATEGORIES}/gar%00den"),
        await graphql(api, GET_CATEGORY, {"slug": "gar\x00den"}),
        ErrorType.VALIDATION_ERROR,
    )
    assert assert_envelope(await api.get(CATEGORIES), 200)["data"]["total"] == 0
