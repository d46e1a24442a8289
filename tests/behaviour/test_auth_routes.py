"""Register, log in, refresh, log out and sessions through the real routes (fakes or servers)."""

from collections.abc import Callable
from datetime import datetime, timedelta

import httpx
import pytest

from app.core.errors import ErrorType
from app.core.i18n import MessageKey
from app.core.security.tokens import Realm
from tests.behaviour.accounts import (
    PASSWORD,
    PASSWORDS,
    SIGN_IN,
    Accounts,
    assert_refresh_refused,
    assert_refused,
    assert_signed_in,
    assert_signed_out,
    bearer,
    english,
    unique,
)
from tests.envelope import assert_envelope


async def test_register_answers_201_with_the_account_and_no_secret(
    api: httpx.AsyncClient,
) -> None:
    name = unique("Reg")
    response = await api.post(
        "/api/v1/auth/register",
        json={"username": name, "email": f"{name}@Example.COM", "password": PASSWORD},
    )
    body = assert_envelope(response, 201, ErrorType.RESOURCE_CREATED)
    data = body["data"]
    assert body["message"] == english(MessageKey.AUTH_REGISTERED)
    assert (data["username"], data["email"], data["role"]) == (
        name,
        f"{name.lower()}@example.com",
        "user",
    )
    assert data["is_active"] is True
    assert data["is_banned"] is False
    assert "password" not in response.text
    assert "$2b$" not in response.text


@pytest.mark.parametrize(
    ("username_of", "email_of"),
    [
        (str.upper, lambda name: f"other-{name}@example.com"),
        (lambda name: f"other{name}", lambda name: f"{name}@EXAMPLE.com".upper()),
        (str.lower, lambda name: f"x{name}@example.com"),
    ],
    ids=["username-other-case", "email-other-case", "username-same-case"],
)
async def test_duplicate_username_or_email_in_any_case_is_409(
    api: httpx.AsyncClient,
    auth_accounts: Accounts,
    username_of: Callable[[str], str],
    email_of: Callable[[str], str],
) -> None:
    name = unique("dup").lower()
    await auth_accounts.register(name, f"{name}@example.com")
    response = await api.post(
        "/api/v1/auth/register",
        json={"username": username_of(name), "email": email_of(name), "password": PASSWORD},
    )
    assert_refused(response, ErrorType.CONFLICT, MessageKey.USER_EXISTS)


async def test_a_73_byte_password_is_422_and_is_not_echoed(api: httpx.AsyncClient) -> None:
    password = "é" * 36 + "a"  # 37 characters, 73 bytes in UTF-8
    name = unique("long")
    response = await api.post(
        "/api/v1/auth/register",
        json={"username": name, "email": f"{name}@example.com", "password": password},
    )
    body = assert_envelope(response, 422, ErrorType.VALIDATION_ERROR)
    assert [issue["loc"] for issue in body["data"]] == [["body", "password"]]
    assert password not in response.text


async def test_login_returns_a_token_pair_that_opens_users_me(
    api: httpx.AsyncClient, auth_accounts: Accounts
) -> None:
    data = await auth_accounts.register()
    response = await api.post(
        "/api/v1/auth/login", json={"username": data["username"], "password": PASSWORD}
    )
    pair = assert_envelope(response, 200, ErrorType.SUCCESS)["data"]
    assert pair["token_type"] == "bearer"
    assert pair["expires_in"] == 900
    me = await api.get("/api/v1/users/me", headers=bearer(pair["access_token"]))
    assert assert_envelope(me, 200)["data"]["id"] == data["id"]


@pytest.mark.parametrize("realm", [Realm.USER, Realm.ADMIN], ids=["user", "admin"])
async def test_the_form_login_answers_the_envelope_with_the_tokens_in_data(
    api: httpx.AsyncClient, auth_accounts: Accounts, realm: Realm
) -> None:
    account = await auth_accounts.signed_in(realm)
    response = await api.post(
        f"{SIGN_IN[realm]}/login/form",
        data={"username": account.username, "password": PASSWORDS[realm], "grant_type": "password"},
    )
    body = assert_envelope(response, 200, ErrorType.SUCCESS)
    # The envelope's five keys, nothing else; the /docs page unwraps `data` for Swagger's
    # "Authorize" on its side (app/api/auth/docs.py), the API does not bend.
    assert "access_token" not in body
    assert body["data"]["token_type"] == "bearer"
    # The token opens its own realm's routes.
    home = "/api/v1/users/me" if realm is Realm.USER else "/api/v1/admin/users"
    assert_envelope(await api.get(home, headers=bearer(body["data"]["access_token"])), 200)


@pytest.mark.parametrize("known", [True, False], ids=["wrong-password", "unknown-user"])
async def test_bad_credentials_are_one_and_the_same_401(
    api: httpx.AsyncClient, auth_accounts: Accounts, known: bool
) -> None:
    username = (await auth_accounts.register())["username"] if known else unique("ghost")
    response = await api.post(
        "/api/v1/auth/login", json={"username": username, "password": "not the password"}
    )
    assert_refused(response, ErrorType.UNAUTHORIZED, MessageKey.AUTH_INVALID_CREDENTIALS)
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_refresh_rotates_and_reuse_of_a_spent_token_ends_the_session(
    api: httpx.AsyncClient, auth_accounts: Accounts
) -> None:
    session = await auth_accounts.user()
    rotated = await auth_accounts.refresh(session)
    assert rotated.refresh != session.refresh
    assert rotated.sid == session.sid
    await assert_signed_in(api, rotated)

    await assert_refresh_refused(api, session.refresh)  # the spent token, replayed
    # Both tokens of the rotated pair stop too: the whole session is gone.
    await assert_signed_out(api, rotated)


async def test_logout_ends_this_session_only(
    api: httpx.AsyncClient, auth_accounts: Accounts
) -> None:
    one, other = await auth_accounts.user_signed_in_twice()
    assert_envelope(await api.post("/api/v1/auth/logout", headers=one.headers), 200)
    body = await assert_signed_out(api, one)
    assert body["message"] == english(MessageKey.AUTH_SESSION_ENDED)
    await assert_signed_in(api, other)


async def test_logout_all_ends_every_session_of_the_account(
    api: httpx.AsyncClient, auth_accounts: Accounts
) -> None:
    one, other = await auth_accounts.user_signed_in_twice()
    stranger = await auth_accounts.user()
    assert_envelope(await api.post("/api/v1/auth/logout-all", headers=one.headers), 200)
    for session in (one, other):
        await assert_signed_out(api, session)
    await assert_signed_in(api, stranger)


async def test_sessions_list_marks_the_current_one_and_revoking_one_bites_at_once(
    api: httpx.AsyncClient, auth_accounts: Accounts
) -> None:
    one, other = await auth_accounts.user_signed_in_twice()
    listing = assert_envelope(await api.get("/api/v1/auth/sessions", headers=one.headers), 200)
    assert (listing["data"]["total"], listing["data"]["offset"]) == (2, 0)
    marks = {item["sid"]: item["current"] for item in listing["data"]["items"]}
    assert marks == {one.sid: True, other.sid: False}
    for item in listing["data"]["items"]:  # ISO 8601 in UTC, as every other timestamp
        assert datetime.fromisoformat(item["created_at"]).utcoffset() == timedelta(0)
        assert datetime.fromisoformat(item["last_seen_at"]).utcoffset() == timedelta(0)
    second = await api.get("/api/v1/auth/sessions?offset=1&limit=1", headers=one.headers)
    order = [item["sid"] for item in listing["data"]["items"]]
    assert [item["sid"] for item in assert_envelope(second, 200)["data"]["items"]] == order[1:]

    revoked = await api.delete(f"/api/v1/auth/sessions/{other.sid}", headers=one.headers)
    assert_envelope(revoked, 200)
    await assert_signed_out(api, other)
    await assert_signed_in(api, one)


async def test_revoking_a_session_that_is_not_the_callers_is_404(
    api: httpx.AsyncClient, auth_accounts: Accounts
) -> None:
    mine = await auth_accounts.user()
    theirs = await auth_accounts.user()
    for sid in (theirs.sid, "no-such-session"):
        response = await api.delete(f"/api/v1/auth/sessions/{sid}", headers=mine.headers)
        assert_refused(response, ErrorType.NOT_FOUND, MessageKey.AUTH_SESSION_NOT_FOUND)
    await assert_signed_in(api, theirs)


async def test_signed_in_routes_without_a_token_are_401(api: httpx.AsyncClient) -> None:
    for method, path in [
        ("GET", "/api/v1/users/me"),
        ("POST", "/api/v1/auth/logout"),
        ("POST", "/api/v1/auth/logout-all"),
        ("GET", "/api/v1/auth/sessions"),
        ("GET", "/api/v1/admin/users"),
    ]:
        response = await api.request(method, path)
        assert_refused(response, ErrorType.UNAUTHORIZED, MessageKey.AUTH_TOKEN_MISSING)
