"""Text holding NUL (U+0000) is a 422 naming the field on every route, and writes nothing.

PostgreSQL cannot store NUL and answered these with a 500 (asyncpg's "invalid byte sequence
for encoding UTF8: 0x00"); SQLite stores it, so only the integration tier saw the crash.
"""

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from app.core.errors import ErrorType
from app.core.i18n import MessageKey, translate
from app.models.postgres.users import User
from app.resources import resources_of
from tests.behaviour.accounts import PASSWORD, change_password, english, unique
from tests.behaviour.accounts import Accounts as AuthAccounts
from tests.behaviour.domain import API, Accounts, create_category
from tests.envelope import assert_envelope
from tests.harness.throwaway import count_redis_keys

CATEGORIES = f"{API}/categories"


def nul_locs(response: httpx.Response, *sent: str) -> list[Any]:
    """The issues' `loc`s of the NUL refusal, checked to be the 422 envelope echoing nothing."""
    body = assert_envelope(response, 422, ErrorType.VALIDATION_ERROR)
    assert body["message"] == english(MessageKey.NUL_CHARACTER)
    assert {issue["type"] for issue in body["data"]} == {"nul_character"}
    for value in sent:
        assert value.replace("\x00", "") not in response.text
    return [issue["loc"] for issue in body["data"]]


async def count_users(app: FastAPI) -> int:
    """Rows in the users table of the running app."""
    database = resources_of(app).backends.postgres
    async with database.sessions() as session:
        return await session.scalar(select(func.count()).select_from(User)) or 0


async def redis_keys(app: FastAPI) -> int:
    """Keys the running app holds in Redis (sessions, login counters)."""
    redis = resources_of(app).backends.redis
    return await count_redis_keys(redis.client, redis.prefix)


@pytest.mark.parametrize("realm", ["/api/v1/auth", "/api/v1/admin/auth"])
@pytest.mark.parametrize("field", ["username", "password"])
async def test_login_json(api: httpx.AsyncClient, app: FastAPI, realm: str, field: str) -> None:
    keys = await redis_keys(app)
    body = {"username": "someone", "password": PASSWORD, field: "secret\x00value"}
    response = await api.post(f"{realm}/login", json=body)
    assert nul_locs(response, "secret\x00value") == [["body", field]]
    # Refused before the service: no failed-login counter, no session, nothing audited.
    assert await redis_keys(app) == keys


async def test_a_json_body_without_content_type_is_checked(
    api: httpx.AsyncClient, app: FastAPI
) -> None:
    # FastAPI parses a body with no Content-Type as JSON, so the check must read it too.
    keys = await redis_keys(app)
    body = b'{"username": "a\\u0000b", "password": "x"}'
    response = await api.post("/api/v1/auth/login", content=body)
    assert nul_locs(response) == [["body", "username"]]
    assert await redis_keys(app) == keys


@pytest.mark.parametrize("realm", ["/api/v1/auth", "/api/v1/admin/auth"])
async def test_login_form(api: httpx.AsyncClient, app: FastAPI, realm: str) -> None:
    keys = await redis_keys(app)
    response = await api.post(
        f"{realm}/login/form", data={"username": "a\x00b", "password": PASSWORD}
    )
    assert nul_locs(response) == [["body", "username"]]
    assert await redis_keys(app) == keys


async def test_login_of_a_real_account_with_nul_appended(
    api: httpx.AsyncClient, app: FastAPI, auth_accounts: AuthAccounts
) -> None:
    data = await auth_accounts.register()
    keys = await redis_keys(app)
    response = await api.post(
        "/api/v1/auth/login", json={"username": data["username"] + "\x00", "password": PASSWORD}
    )
    assert nul_locs(response) == [["body", "username"]]
    assert await redis_keys(app) == keys


@pytest.mark.parametrize("field", ["username", "email", "password"])
async def test_register(api: httpx.AsyncClient, app: FastAPI, field: str) -> None:
    name = unique("nul")
    body = {"username": name, "email": f"{name}@example.com", "password": PASSWORD}
    body[field] = body[field][:2] + "\x00" + body[field][2:]
    users = await count_users(app)
    assert nul_locs(await api.post("/api/v1/auth/register", json=body)) == [["body", field]]
    assert await count_users(app) == users


async def test_patch_me_and_password_change(
    api: httpx.AsyncClient, auth_accounts: AuthAccounts
) -> None:
    session = await auth_accounts.user()
    response = await api.patch(
        "/api/v1/users/me", json={"username": "re\x00named"}, headers=session.headers
    )
    assert nul_locs(response) == [["body", "username"]]
    response = await change_password(api, session, PASSWORD, "new\x00passphrase")
    assert nul_locs(response) == [["body", "new_password"]]
    # Neither changed anything: the old name and password still sign in.
    me = assert_envelope(await api.get("/api/v1/users/me", headers=session.headers), 200)
    assert me["data"]["username"] == session.username
    await auth_accounts.login(session.username)


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"slug": "tools", "name": "Tools\x00"}, ["body", "name"]),
        ({"slug": "to\x00ols", "name": "Tools"}, ["body", "slug"]),
        ({"slug": "tools", "name": "Tools", "extra\x00": 1}, ["body"]),
    ],
    ids=["name", "slug", "key"],
)
async def test_create_category(
    api: httpx.AsyncClient, accounts: Accounts, body: dict[str, Any], loc: list[str]
) -> None:
    admin = await accounts.admin(unique("root"))
    response = await api.post(CATEGORIES, json=body, headers=admin.headers)
    assert nul_locs(response) == [loc]
    listing = assert_envelope(await api.get(CATEGORIES), 200)
    assert listing["data"]["total"] == 0


async def test_create_category_anonymously_is_refused_for_nul_first(
    api: httpx.AsyncClient,
) -> None:
    # The body is refused before anything reads it, the auth dependency included.
    response = await api.post(CATEGORIES, json={"slug": "tools", "name": "\x00"})
    assert nul_locs(response) == [["body", "name"]]


async def test_category_by_slug_in_the_path(api: httpx.AsyncClient, accounts: Accounts) -> None:
    admin = await accounts.admin(unique("root"))
    await create_category(api, admin, "tools", "Tools")
    assert nul_locs(await api.get(f"{CATEGORIES}/tools%00")) == [["path", "slug"]]
    response = await api.patch(
        f"{CATEGORIES}/tools%00", json={"name": "Renamed"}, headers=admin.headers
    )
    assert nul_locs(response) == [["path", "slug"]]
    assert nul_locs(await api.delete(f"{CATEGORIES}/to%00ols", headers=admin.headers)) == [
        ["path", "slug"]
    ]
    response = await api.patch(
        f"{CATEGORIES}/tools", json={"name": "Re\x00named"}, headers=admin.headers
    )
    assert nul_locs(response) == [["body", "name"]]
    still = assert_envelope(await api.get(f"{CATEGORIES}/tools"), 200)
    assert still["data"]["name"] == "Tools"


async def test_query_parameters(api: httpx.AsyncClient, accounts: Accounts) -> None:
    assert nul_locs(await api.get(CATEGORIES, params={"limit": "1\x00"})) == [["query", "limit"]]
    admin = await accounts.admin(unique("root"))
    response = await api.get(
        "/api/v1/admin/users", params={"offset": "\x00", "limit": "5"}, headers=admin.headers
    )
    assert nul_locs(response) == [["query", "offset"]]


async def test_session_id_in_the_path(api: httpx.AsyncClient, auth_accounts: AuthAccounts) -> None:
    session = await auth_accounts.user()
    response = await api.delete(f"/api/v1/auth/sessions/{session.sid}%00", headers=session.headers)
    assert nul_locs(response) == [["path", "sid"]]
    # The session was not touched.
    assert_envelope(await api.get("/api/v1/users/me", headers=session.headers), 200)


async def test_the_message_follows_the_language(api: httpx.AsyncClient) -> None:
    response = await api.post(
        "/api/v1/auth/login",
        json={"username": "a\x00", "password": PASSWORD},
        headers={"Accept-Language": "hi"},
    )
    body = assert_envelope(response, 422, ErrorType.VALIDATION_ERROR)
    assert body["message"] == translate(MessageKey.NUL_CHARACTER, "hi")
