"""Every token the API must refuse, through the real routes: a 401 envelope on the next request."""

import time
from collections.abc import Callable
from typing import Any

import httpx
import jwt
import pytest
from fastapi import FastAPI

from app.core.errors import ErrorType
from app.core.i18n import MessageKey
from app.core.security.keys import generate_private_key, thumbprint
from app.resources import resources_of, settings_of
from tests.behaviour.accounts import (
    ADMIN_PASSWORD,
    PASSWORD,
    Accounts,
    Session,
    assert_refresh_refused,
    assert_refused,
    assert_signed_in,
    assert_signed_out,
    bearer,
)
from tests.envelope import assert_envelope
from tests.unit.auth.conftest import Forger


def _forger(app: FastAPI, session: Session) -> Forger:
    forger = Forger(resources_of(app).auth.jwt_keys, settings_of(app))
    # A live session: each forgery must fail for its own flaw, not for a missing session.
    forger.sid = session.sid
    return forger


def _user(forger: Forger, account_id: int, **overrides: Any) -> dict[str, Any]:
    return forger.claims(sub=str(account_id), **overrides)


def _signed_with(forger: Forger, account_id: int, algorithm: str) -> str:
    """A token signed with the right key but an algorithm the API does not accept."""
    headers = {"kid": forger.keys.signing_kid}
    claims = _user(forger, account_id)
    return jwt.encode(claims, forger.keys.signing_key, algorithm=algorithm, headers=headers)


async def _me(api: httpx.AsyncClient, token: str) -> dict[str, Any]:
    return assert_envelope(
        await api.get("/api/v1/users/me", headers=bearer(token)), 401, ErrorType.UNAUTHORIZED
    )


async def test_a_correct_forgery_passes_so_each_rejection_below_is_for_its_flaw(
    api: httpx.AsyncClient, auth_accounts: Accounts, app: FastAPI
) -> None:
    session = await auth_accounts.user()
    forger = _forger(app, session)
    token = forger.rs256(_user(forger, session.account_id))
    assert_envelope(await api.get("/api/v1/users/me", headers=bearer(token)), 200)


FORGERIES: dict[str, Callable[[Forger, int], str]] = {
    "alg-none": lambda f, uid: f.alg_none(_user(f, uid)),
    "hs256-with-public-key": lambda f, uid: f.hs256_with_public_key(_user(f, uid)),
    "tampered-payload": lambda f, uid: Forger.tamper(f.rs256(_user(f, uid)), role="admin"),
    "tampered-sub": lambda f, uid: Forger.tamper(f.rs256(_user(f, uid)), sub=str(uid + 1)),
    "unknown-kid": lambda f, uid: f.rs256(
        _user(f, uid), key=(k := generate_private_key()), kid=thumbprint(k.public_key())
    ),
    "known-kid-other-key": lambda f, uid: f.rs256(_user(f, uid), key=generate_private_key()),
    "no-kid": lambda f, uid: f.rs256(_user(f, uid), with_kid=False),
    "expired": lambda f, uid: f.rs256(
        _user(
            f,
            uid,
            iat=int(time.time()) - 3600,
            nbf=int(time.time()) - 3600,
            exp=int(time.time()) - 60,
        )
    ),
    "nbf-in-future": lambda f, uid: f.rs256(_user(f, uid, nbf=int(time.time()) + 3600)),
    "iat-in-future": lambda f, uid: f.rs256(_user(f, uid, iat=int(time.time()) + 600)),
    "rs512-with-the-right-key": lambda f, uid: _signed_with(f, uid, "RS512"),
    "ps256-with-the-right-key": lambda f, uid: _signed_with(f, uid, "PS256"),
    "wrong-iss": lambda f, uid: f.rs256(_user(f, uid, iss="someone-else")),
    "wrong-aud": lambda f, uid: f.rs256(_user(f, uid, aud="another-api")),
    "aud-as-a-list": lambda f, uid: f.rs256(_user(f, uid, aud=[f.settings.auth.jwt_audience, "x"])),
    "missing-exp": lambda f, uid: f.rs256(_user(f, uid, exp=None)),
    "missing-sid": lambda f, uid: f.rs256(_user(f, uid, sid=None)),
    "non-numeric-sub": lambda f, uid: f.rs256(f.claims(sub="admin")),
    "unknown-realm": lambda f, uid: f.rs256(_user(f, uid, realm="root")),
    "refresh-type": lambda f, uid: f.rs256(_user(f, uid, type="refresh")),
}


@pytest.mark.parametrize("flaw", sorted(FORGERIES))
async def test_a_forged_or_broken_token_is_401(
    api: httpx.AsyncClient, auth_accounts: Accounts, app: FastAPI, flaw: str
) -> None:
    session = await auth_accounts.user()
    token = FORGERIES[flaw](_forger(app, session), session.account_id)
    response = await api.get("/api/v1/users/me", headers=bearer(token))
    assert_refused(response, ErrorType.UNAUTHORIZED, MessageKey.AUTH_TOKEN_INVALID)
    # RFC 6750 §3.1: the client is told to get a new token, not to retry this one.
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


async def test_a_refresh_token_is_not_an_access_token_nor_the_reverse(
    api: httpx.AsyncClient, auth_accounts: Accounts
) -> None:
    session = await auth_accounts.user()
    await _me(api, session.refresh)
    await assert_refresh_refused(api, session.access)
    # Neither misuse spent anything: the real pair still works.
    await assert_signed_in(api, session)


async def test_realms_never_cross_even_with_the_same_numeric_id(
    api: httpx.AsyncClient, auth_accounts: Accounts
) -> None:
    user = await auth_accounts.user()
    admin = await auth_accounts.admin(account_id=user.account_id)
    assert admin.account_id == user.account_id
    # A valid token of the other realm is a 403 `insufficient_scope`: refreshing cannot help.
    on_admin = await api.get("/api/v1/admin/users", headers=user.headers)
    assert_envelope(on_admin, 403, ErrorType.FORBIDDEN)
    assert on_admin.headers["www-authenticate"] == 'Bearer error="insufficient_scope"'
    on_user = await api.get("/api/v1/users/me", headers=admin.headers)
    assert_envelope(on_user, 403, ErrorType.FORBIDDEN)
    assert on_user.headers["www-authenticate"] == 'Bearer error="insufficient_scope"'
    await assert_refresh_refused(api, admin.refresh)
    # Each works in its own realm.
    assert_envelope(await api.get("/api/v1/admin/users", headers=admin.headers), 200)
    await assert_signed_in(api, user)


async def test_a_ban_ends_every_session_on_the_next_request_and_refuses_login(
    api: httpx.AsyncClient, auth_accounts: Accounts
) -> None:
    admin = await auth_accounts.admin()
    user, other = await auth_accounts.user_signed_in_twice()
    banned = await api.post(f"/api/v1/admin/users/{user.account_id}/ban", headers=admin.headers)
    assert assert_envelope(banned, 200)["data"]["is_banned"] is True
    for session in (user, other):
        await assert_signed_out(api, session)
    login = await api.post(
        "/api/v1/auth/login", json={"username": user.username, "password": PASSWORD}
    )
    assert_refused(login, ErrorType.FORBIDDEN, MessageKey.AUTH_ACCOUNT_BANNED)
    # A wrong password still gets the plain 401: the ban is no hint to a stranger.
    wrong = await api.post(
        "/api/v1/auth/login", json={"username": user.username, "password": ADMIN_PASSWORD}
    )
    assert_envelope(wrong, 401, ErrorType.UNAUTHORIZED)

    unbanned = await api.post(f"/api/v1/admin/users/{user.account_id}/unban", headers=admin.headers)
    assert assert_envelope(unbanned, 200)["data"]["is_banned"] is False
    await assert_signed_in(api, await auth_accounts.login(user.username))
