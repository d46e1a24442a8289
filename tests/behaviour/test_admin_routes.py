"""The admin realm through the real routes: sign-in, the user listing, ban and unban."""

import httpx
import pytest

from app.core.errors import ErrorType
from app.core.i18n import MessageKey
from app.database.page import MAX_LIMIT
from tests.behaviour.accounts import Accounts, assert_refused, unique
from tests.envelope import assert_envelope


async def test_a_users_credentials_do_not_open_the_admin_realm(
    api: httpx.AsyncClient, auth_accounts: Accounts
) -> None:
    user = await auth_accounts.user()
    response = await api.post(
        "/api/v1/admin/auth/login",
        json={"username": user.username, "password": "correct horse battery"},
    )
    assert_refused(response, ErrorType.UNAUTHORIZED, MessageKey.AUTH_INVALID_CREDENTIALS)


async def test_admin_users_pages_through_users(
    api: httpx.AsyncClient, auth_accounts: Accounts
) -> None:
    admin = await auth_accounts.admin()
    names = [(await auth_accounts.register(unique(f"p{i}")))["username"] for i in range(3)]
    first = await api.get("/api/v1/admin/users?offset=0&limit=2", headers=admin.headers)
    data = assert_envelope(first, 200)["data"]
    assert data.keys() == {"items", "total", "offset", "limit"}
    assert (data["total"], data["offset"], data["limit"]) == (3, 0, 2)
    second = await api.get("/api/v1/admin/users?offset=2&limit=2", headers=admin.headers)
    rest = assert_envelope(second, 200)["data"]["items"]
    assert [item["username"] for item in data["items"] + rest] == names
    assert "password_hash" not in first.text


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=-1",
        f"limit={MAX_LIMIT + 1}",
        "offset=-3",
        "limit=abc",
        "offset=" + "9" * 30,
        "page=1",  # the old parameters are unknown now: refused, not ignored
        "size=5",
        "foo=1",
    ],
)
async def test_admin_users_refuses_bad_paging_with_422(
    api: httpx.AsyncClient, auth_accounts: Accounts, query: str
) -> None:
    admin = await auth_accounts.admin()
    response = await api.get(f"/api/v1/admin/users?{query}", headers=admin.headers)
    assert_envelope(response, 422, ErrorType.VALIDATION_ERROR)


async def test_an_admin_without_the_admin_role_is_403(
    api: httpx.AsyncClient, auth_accounts: Accounts
) -> None:
    auditor = await auth_accounts.admin(role="auditor")
    response = await api.get("/api/v1/admin/users", headers=auditor.headers)
    assert_refused(response, ErrorType.FORBIDDEN, MessageKey.AUTH_ROLE_FORBIDDEN)


# Ids that cannot be a user's (out of the column's range, not a number) are 422s before any
# driver sees them; an id nobody has is a 404.
INVALID = (ErrorType.VALIDATION_ERROR, MessageKey.VALIDATION_ERROR)
UNKNOWN = (ErrorType.NOT_FOUND, MessageKey.USER_NOT_FOUND)


@pytest.mark.parametrize(
    ("action", "user_id", "refusal"),
    [
        ("ban", "0", INVALID),
        ("ban", "-1", INVALID),
        ("ban", str(2**31), INVALID),
        ("ban", "9" * 30, INVALID),
        ("ban", "abc", INVALID),
        ("ban", "987654", UNKNOWN),
        ("unban", "987654", UNKNOWN),
    ],
)
async def test_banning_an_id_that_is_no_users_is_refused(
    api: httpx.AsyncClient,
    auth_accounts: Accounts,
    action: str,
    user_id: str,
    refusal: tuple[ErrorType, MessageKey],
) -> None:
    admin = await auth_accounts.admin()
    response = await api.post(f"/api/v1/admin/users/{user_id}/{action}", headers=admin.headers)
    assert_refused(response, *refusal)


async def test_admin_refresh_rotates_and_logout_ends_the_admin_session(
    api: httpx.AsyncClient, auth_accounts: Accounts
) -> None:
    admin = await auth_accounts.admin()
    rotated = await auth_accounts.refresh(admin)
    # The user realm's logout refuses an admin token (403); the admin realm has its own.
    user_logout = await api.post("/api/v1/auth/logout", headers=rotated.headers)
    assert_envelope(user_logout, 403, ErrorType.FORBIDDEN)
    assert_envelope(await api.post("/api/v1/admin/auth/logout", headers=rotated.headers), 200)
    response = await api.get("/api/v1/admin/users", headers=rotated.headers)
    assert_envelope(response, 401, ErrorType.UNAUTHORIZED)
