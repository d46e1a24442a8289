"""`/users/me`, profile changes, password change and the login limit, through the real routes."""

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import update

from app.core.errors import ErrorType
from app.core.i18n import MessageKey
from app.database.session import unit_of_work
from app.models.postgres.users import User
from app.resources import resources_of
from tests.behaviour.accounts import (
    PASSWORD,
    Accounts,
    assert_refused,
    assert_signed_in,
    assert_signed_out,
    change_password,
    english,
    unique,
)
from tests.envelope import assert_envelope

NEW_PASSWORD = "a brand new passphrase"


async def test_users_me_shows_the_account_without_its_hash(
    api: httpx.AsyncClient, auth_accounts: Accounts
) -> None:
    session = await auth_accounts.user()
    response = await api.get("/api/v1/users/me", headers=session.headers)
    data = assert_envelope(response, 200, ErrorType.SUCCESS)["data"]
    assert (data["id"], data["username"]) == (session.account_id, session.username)
    assert "password_hash" not in data
    assert "$2b$" not in response.text


async def test_patch_me_changes_username_and_email(
    api: httpx.AsyncClient, auth_accounts: Accounts
) -> None:
    session = await auth_accounts.user()
    name = unique("renamed")
    response = await api.patch(
        "/api/v1/users/me",
        json={"username": name, "email": f"{name}@NEW.example"},
        headers=session.headers,
    )
    data = assert_envelope(response, 200)["data"]
    assert (data["username"], data["email"]) == (name, f"{name}@new.example".lower())
    # Keeping one's own username in another case is not a conflict with oneself.
    same = await api.patch(
        "/api/v1/users/me", json={"username": name.upper()}, headers=session.headers
    )
    assert assert_envelope(same, 200)["data"]["username"] == name.upper()


async def test_patch_me_to_another_accounts_username_or_email_is_409(
    api: httpx.AsyncClient, auth_accounts: Accounts
) -> None:
    taken = await auth_accounts.register()
    session = await auth_accounts.user()
    for change in (
        {"username": taken["username"].upper()},
        {"email": taken["email"].upper()},
    ):
        response = await api.patch("/api/v1/users/me", json=change, headers=session.headers)
        assert_refused(response, ErrorType.CONFLICT, MessageKey.USER_EXISTS)


async def test_patch_me_with_nothing_to_change_is_422(
    api: httpx.AsyncClient, auth_accounts: Accounts
) -> None:
    session = await auth_accounts.user()
    response = await api.patch("/api/v1/users/me", json={}, headers=session.headers)
    assert_envelope(response, 422, ErrorType.VALIDATION_ERROR)


@pytest.mark.parametrize(
    ("current", "new", "field", "reason"),
    [
        (
            "not my password",
            NEW_PASSWORD,
            "current_password",
            MessageKey.AUTH_CURRENT_PASSWORD_WRONG,
        ),
        (PASSWORD, "x" * 73, "new_password", MessageKey.VALIDATION_ERROR),
    ],
    ids=["wrong-current-password", "new-password-of-73-bytes"],
)
async def test_a_refused_password_change_is_422_naming_the_field_and_changes_nothing(
    api: httpx.AsyncClient,
    auth_accounts: Accounts,
    current: str,
    new: str,
    field: str,
    reason: MessageKey,
) -> None:
    session = await auth_accounts.user()
    response = await change_password(api, session, current, new)
    body = assert_envelope(response, 422, ErrorType.VALIDATION_ERROR)
    assert body["message"] == english(reason)
    assert [issue["loc"] for issue in body["data"]] == [["body", field]]
    assert current not in response.text
    assert new not in response.text
    await auth_accounts.login(session.username, PASSWORD)


async def test_a_password_change_ends_every_other_session_and_keeps_this_one(
    api: httpx.AsyncClient, auth_accounts: Accounts
) -> None:
    session, other = await auth_accounts.user_signed_in_twice()
    response = await change_password(api, session, PASSWORD, NEW_PASSWORD)
    body = assert_envelope(response, 200, ErrorType.SUCCESS)
    assert body["data"] is None
    assert NEW_PASSWORD not in response.text
    await assert_signed_out(api, other)
    await assert_signed_in(api, session)
    old = await api.post(
        "/api/v1/auth/login", json={"username": session.username, "password": PASSWORD}
    )
    assert_envelope(old, 401, ErrorType.UNAUTHORIZED)
    await auth_accounts.login(session.username, NEW_PASSWORD)


async def test_repeated_failed_logins_get_429_with_retry_after(
    api: httpx.AsyncClient, auth_accounts: Accounts
) -> None:
    username = (await auth_accounts.register())["username"]
    statuses = []
    for _ in range(12):
        response = await api.post(
            "/api/v1/auth/login", json={"username": username, "password": "guess guess"}
        )
        statuses.append(response.status_code)
        if response.status_code == 429:
            break
    # The default budget: 10 failures per username in 15 minutes.
    assert statuses == [401] * 10 + [429]
    assert_refused(response, ErrorType.RATE_LIMITED, MessageKey.AUTH_LOGIN_RATE_LIMITED)
    assert int(response.headers["retry-after"]) >= 1
    # Even the right password waits: the limit is checked before the password is.
    right = await api.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert_envelope(right, 429, ErrorType.RATE_LIMITED)


async def _set_flags(app: FastAPI, user_id: int, **flags: bool) -> None:
    database = resources_of(app).backends.postgres
    async with unit_of_work(database) as session:
        await session.execute(update(User).where(User.id == user_id).values(**flags))


@pytest.mark.parametrize(
    ("flags", "reason"),
    [
        ({"is_banned": True}, MessageKey.AUTH_ACCOUNT_BANNED),
        ({"is_active": False}, MessageKey.AUTH_ACCOUNT_INACTIVE),
    ],
    ids=["banned", "inactive"],
)
async def test_an_account_flagged_in_the_database_cannot_sign_in_or_use_its_session(
    api: httpx.AsyncClient,
    auth_accounts: Accounts,
    app: FastAPI,
    flags: dict[str, bool],
    reason: MessageKey,
) -> None:
    session = await auth_accounts.user()
    # Marked without ending its sessions (another instance mid-ban, a manual fix): the row
    # read on each request still stops it.
    await _set_flags(app, session.account_id, **flags)
    me = await api.get("/api/v1/users/me", headers=session.headers)
    assert_refused(me, ErrorType.FORBIDDEN, reason)
    login = await api.post(
        "/api/v1/auth/login", json={"username": session.username, "password": PASSWORD}
    )
    assert_refused(login, ErrorType.FORBIDDEN, reason)


async def test_a_wrong_method_on_users_me_lists_both_of_its_routes_in_allow(
    api: httpx.AsyncClient,
) -> None:
    response = await api.put("/api/v1/users/me")
    assert_envelope(response, 405, ErrorType.METHOD_NOT_ALLOWED)
    assert response.headers["allow"] == "GET, PATCH"
