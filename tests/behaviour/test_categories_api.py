"""`/api/v1/categories`: public reads and administrator writes."""

from typing import Any

import httpx
import pytest

from app.core.errors import ErrorType
from tests.behaviour.domain import API, Accounts, Caller, create_category
from tests.envelope import assert_envelope

CATEGORIES = f"{API}/categories"


def issue_types(body: dict[str, Any]) -> list[str]:
    return [issue["type"] for issue in body["data"]]


async def test_list_is_public_paginated_in_slug_order_with_total(
    api: httpx.AsyncClient, admin: Caller
) -> None:
    for slug in ("tools", "books", "garden"):
        await create_category(api, admin, slug)
    first = assert_envelope(await api.get(CATEGORIES, params={"limit": 2}), 200, ErrorType.SUCCESS)
    assert [item["slug"] for item in first["data"]["items"]] == ["books", "garden"]
    assert (first["data"]["total"], first["data"]["offset"], first["data"]["limit"]) == (3, 0, 2)
    rest = assert_envelope(await api.get(CATEGORIES, params={"offset": 2, "limit": 2}), 200)
    assert [item["slug"] for item in rest["data"]["items"]] == ["tools"]
    assert rest["data"]["total"] == 3
    beyond = assert_envelope(await api.get(CATEGORIES, params={"offset": 5}), 200)
    assert (beyond["data"]["items"], beyond["data"]["total"]) == ([], 3)


@pytest.mark.parametrize(
    ("params", "loc"),
    [
        ({"limit": 0}, ["query", "limit"]),
        ({"limit": -1}, ["query", "limit"]),
        ({"limit": 101}, ["query", "limit"]),
        ({"offset": -1}, ["query", "offset"]),
        ({"limit": "ten"}, ["query", "limit"]),
        ({"page": 2}, ["query", "page"]),
    ],
)
async def test_list_refuses_out_of_range_pages(
    api: httpx.AsyncClient, params: dict[str, Any], loc: list[str]
) -> None:
    body = assert_envelope(
        await api.get(CATEGORIES, params=params), 422, ErrorType.VALIDATION_ERROR
    )
    assert [issue["loc"] for issue in body["data"]] == [loc]


async def test_list_accepts_the_maximum_page_size(api: httpx.AsyncClient) -> None:
    body = assert_envelope(await api.get(CATEGORIES, params={"limit": 100}), 200)
    assert body["data"]["limit"] == 100


async def test_get_one(api: httpx.AsyncClient, admin: Caller) -> None:
    await create_category(api, admin, "garden-tools", "Garden tools")
    body = assert_envelope(await api.get(f"{CATEGORIES}/garden-tools"), 200, ErrorType.SUCCESS)
    assert body["data"]["slug"] == "garden-tools"
    assert body["data"]["name"] == "Garden tools"
    assert set(body["data"]) == {"slug", "name", "created_at", "updated_at"}


async def test_get_absent_is_404(api: httpx.AsyncClient) -> None:
    assert_envelope(await api.get(f"{CATEGORIES}/nothing-here"), 404, ErrorType.NOT_FOUND)


async def test_get_malformed_slug_is_422(api: httpx.AsyncClient) -> None:
    body = assert_envelope(await api.get(f"{CATEGORIES}/Not_A_Slug"), 422)
    assert body["data"][0]["loc"] == ["path", "slug"]


async def test_create_as_admin(api: httpx.AsyncClient, admin: Caller) -> None:
    response = await api.post(
        CATEGORIES, json={"slug": "tools", "name": "  Tools  "}, headers=admin.headers
    )
    body = assert_envelope(response, 201, ErrorType.RESOURCE_CREATED)
    assert (body["data"]["slug"], body["data"]["name"]) == ("tools", "Tools")
    assert_envelope(await api.get(f"{CATEGORIES}/tools"), 200)


async def test_create_without_a_token_is_401(api: httpx.AsyncClient) -> None:
    response = await api.post(CATEGORIES, json={"slug": "tools", "name": "Tools"})
    assert_envelope(response, 401, ErrorType.UNAUTHORIZED)
    assert response.headers["www-authenticate"] == "Bearer"


async def test_create_with_a_user_token_is_refused(
    api: httpx.AsyncClient, accounts: Accounts
) -> None:
    # A user token is never accepted where an admin one is required (realms never cross).
    user = await accounts.user("ann")
    response = await api.post(
        CATEGORIES, json={"slug": "tools", "name": "Tools"}, headers=user.headers
    )
    assert_envelope(response, 403, ErrorType.FORBIDDEN)
    assert_envelope(await api.get(f"{CATEGORIES}/tools"), 404)


async def test_create_duplicate_slug_is_409(api: httpx.AsyncClient, admin: Caller) -> None:
    await create_category(api, admin, "tools", "Tools")
    response = await api.post(
        CATEGORIES, json={"slug": "tools", "name": "Other"}, headers=admin.headers
    )
    assert_envelope(response, 409, ErrorType.CONFLICT)
    assert (await api.get(f"{CATEGORIES}/tools")).json()["data"]["name"] == "Tools"


@pytest.mark.parametrize(
    "slug",
    ["Tools", "garden_tools", "a", "x" * 65, "-tools", "tools-", "garden--tools", "tools!", ""],
)
async def test_create_malformed_slug_is_422(
    api: httpx.AsyncClient, admin: Caller, slug: str
) -> None:
    response = await api.post(CATEGORIES, json={"slug": slug, "name": "X"}, headers=admin.headers)
    body = assert_envelope(response, 422, ErrorType.VALIDATION_ERROR)
    assert [issue["loc"] for issue in body["data"]] == [["body", "slug"]]
    listing = assert_envelope(await api.get(CATEGORIES), 200)
    assert listing["data"]["total"] == 0


async def test_create_slug_length_bounds(api: httpx.AsyncClient, admin: Caller) -> None:
    for slug in ("ab", "x" * 64):
        await create_category(api, admin, slug, "Bound")


@pytest.mark.parametrize(
    "body", [{"slug": "tools"}, {"slug": "tools", "name": ""}, {"slug": "tools", "name": 5}]
)
async def test_create_without_a_proper_name_is_422(
    api: httpx.AsyncClient, admin: Caller, body: dict[str, Any]
) -> None:
    response = await api.post(CATEGORIES, json=body, headers=admin.headers)
    assert_envelope(response, 422, ErrorType.VALIDATION_ERROR)


async def test_rename(api: httpx.AsyncClient, admin: Caller) -> None:
    await create_category(api, admin, "tools", "Tools")
    response = await api.patch(
        f"{CATEGORIES}/tools", json={"name": "Hand tools"}, headers=admin.headers
    )
    body = assert_envelope(response, 200, ErrorType.SUCCESS)
    assert (body["data"]["slug"], body["data"]["name"]) == ("tools", "Hand tools")


async def test_reslug_an_unused_category(api: httpx.AsyncClient, admin: Caller) -> None:
    await create_category(api, admin, "tools", "Tools")
    response = await api.patch(
        f"{CATEGORIES}/tools", json={"slug": "hand-tools"}, headers=admin.headers
    )
    assert assert_envelope(response, 200)["data"]["slug"] == "hand-tools"
    assert_envelope(await api.get(f"{CATEGORIES}/tools"), 404)
    assert_envelope(await api.get(f"{CATEGORIES}/hand-tools"), 200)


async def test_reslug_into_a_taken_slug_is_409(api: httpx.AsyncClient, admin: Caller) -> None:
    await create_category(api, admin, "tools")
    await create_category(api, admin, "books")
    response = await api.patch(f"{CATEGORIES}/books", json={"slug": "tools"}, headers=admin.headers)
    assert_envelope(response, 409, ErrorType.CONFLICT)
    assert_envelope(await api.get(f"{CATEGORIES}/books"), 200)


async def test_update_absent_is_404(api: httpx.AsyncClient, admin: Caller) -> None:
    response = await api.patch(f"{CATEGORIES}/nothing", json={"name": "X"}, headers=admin.headers)
    assert_envelope(response, 404, ErrorType.NOT_FOUND)


async def test_update_malformed_slug_is_422(api: httpx.AsyncClient, admin: Caller) -> None:
    await create_category(api, admin, "tools")
    response = await api.patch(
        f"{CATEGORIES}/tools", json={"slug": "Hand Tools"}, headers=admin.headers
    )
    assert_envelope(response, 422, ErrorType.VALIDATION_ERROR)


@pytest.mark.parametrize("method", ["PATCH", "DELETE"])
async def test_writes_need_an_admin_token(
    api: httpx.AsyncClient, accounts: Accounts, method: str
) -> None:
    admin, ann = await accounts.admin("root"), await accounts.user("ann")
    await create_category(api, admin, "tools", "Tools")
    body = {"name": "Changed"} if method == "PATCH" else None
    # No token: 401; a user's valid token: 403 (the other realm's, refreshing cannot help).
    for headers, status, error in (
        (({}, 401, ErrorType.UNAUTHORIZED)),
        (ann.headers, 403, ErrorType.FORBIDDEN),
    ):
        response = await api.request(method, f"{CATEGORIES}/tools", json=body, headers=headers)
        assert_envelope(response, status, error)
    assert (await api.get(f"{CATEGORIES}/tools")).json()["data"]["name"] == "Tools"


async def test_delete(api: httpx.AsyncClient, admin: Caller) -> None:
    await create_category(api, admin, "tools")
    response = await api.delete(f"{CATEGORIES}/tools", headers=admin.headers)
    assert assert_envelope(response, 200, ErrorType.SUCCESS)["data"] is None
    assert_envelope(await api.get(f"{CATEGORIES}/tools"), 404)
    again = await api.delete(f"{CATEGORIES}/tools", headers=admin.headers)
    assert_envelope(again, 404, ErrorType.NOT_FOUND)


async def test_a_revoked_admin_session_cannot_write(
    api: httpx.AsyncClient, accounts: Accounts
) -> None:
    admin: Caller = await accounts.admin("root")
    await accounts.sign_out(admin)
    response = await api.post(
        CATEGORIES, json={"slug": "tools", "name": "T"}, headers=admin.headers
    )
    assert_envelope(response, 401, ErrorType.UNAUTHORIZED)


@pytest.mark.parametrize(
    ("path", "allowed"),
    [(CATEGORIES, "GET, POST"), (f"{CATEGORIES}/tools", "DELETE, GET, PATCH")],
)
async def test_wrong_method_lists_every_method_of_the_path(
    api: httpx.AsyncClient, path: str, allowed: str
) -> None:
    # Each method is its own route; the 405 must name them all, not the first one's.
    response = await api.put(path, json={})
    assert_envelope(response, 405, ErrorType.METHOD_NOT_ALLOWED)
    assert response.headers["allow"] == allowed
