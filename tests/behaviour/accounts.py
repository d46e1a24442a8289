"""Helpers for the auth route tests: accounts made through the real routes (and the admin store)."""

import secrets
from dataclasses import dataclass, replace
from typing import Any

import httpx
from fastapi import FastAPI

from app.core.errors import ErrorType
from app.core.i18n import MessageKey, translate
from app.core.security.tokens import Realm
from app.database.session import unit_of_work
from app.models.mysql.admins import Admin
from app.resources import resources_of
from tests.envelope import assert_envelope

PASSWORD = "correct horse battery"
ADMIN_PASSWORD = "admin staple battery"
# Each realm's sign-in routes (`/login`, `/login/form`, `/refresh`, `/logout`) and the
# password these helpers give its accounts.
SIGN_IN = {Realm.USER: "/api/v1/auth", Realm.ADMIN: "/api/v1/admin/auth"}
PASSWORDS = {Realm.USER: PASSWORD, Realm.ADMIN: ADMIN_PASSWORD}


def bearer(token: str) -> dict[str, str]:
    """The `Authorization` header for a token."""
    return {"Authorization": f"Bearer {token}"}


def english(key: MessageKey) -> str:
    """A message as the app sends it without `Accept-Language`."""
    return translate(key, "en")


def assert_refused(response: httpx.Response, error_type: ErrorType, key: MessageKey) -> None:
    """Assert an envelope of this error type, its status, and the catalog's English message."""
    body = assert_envelope(response, error_type.status_code, error_type)
    assert body["message"] == english(key)


def unique(prefix: str) -> str:
    """A fresh username (tests on real servers share a run)."""
    return f"{prefix}{secrets.token_hex(4)}"


async def insert_admin(
    app: FastAPI, username: str, password: str, role: str, account_id: int | None = None
) -> int:
    """Write an administrator to the admin store as `admin create` does; its id."""
    hasher = resources_of(app).auth.password_hasher
    async with unit_of_work(resources_of(app).backends.admins) as session:
        admin = Admin(
            username=username,
            email=f"{username}@example.com",
            password_hash=await hasher.hash(password),
            role=role,
            is_active=True,
        )
        if account_id is not None:
            admin.id = account_id
        session.add(admin)
        await session.flush()
        return admin.id


@dataclass(frozen=True)
class Session:
    """An account signed in once: its realm and id, and that session's tokens."""

    realm: Realm
    account_id: int
    username: str
    access: str
    refresh: str
    sid: str

    @property
    def headers(self) -> dict[str, str]:
        """`Authorization` for this session's access token."""
        return bearer(self.access)


async def change_password(
    api: httpx.AsyncClient, session: Session, current: str, new: str
) -> httpx.Response:
    """The session's account asks to change its password from `current` to `new`."""
    return await api.post(
        "/api/v1/users/me/password",
        json={"current_password": current, "new_password": new},
        headers=session.headers,
    )


async def assert_signed_in(api: httpx.AsyncClient, session: Session) -> None:
    """The session's access token still opens `/users/me`."""
    assert_envelope(await api.get("/api/v1/users/me", headers=session.headers), 200)


async def assert_signed_out(api: httpx.AsyncClient, session: Session) -> dict[str, Any]:
    """Neither token of the session works: `/users/me` and a refresh are 401s (the first's body)."""
    me = assert_envelope(
        await api.get("/api/v1/users/me", headers=session.headers), 401, ErrorType.UNAUTHORIZED
    )
    await assert_refresh_refused(api, session.refresh)
    return me


async def assert_refresh_refused(api: httpx.AsyncClient, token: str) -> None:
    """The user realm's refresh route answers `token` with a 401 (and rotates nothing)."""
    response = await api.post("/api/v1/auth/refresh", json={"refresh_token": token})
    assert_envelope(response, 401, ErrorType.UNAUTHORIZED)


class Accounts:
    """Registers users and signs accounts in through the app's routes."""

    def __init__(self, client: httpx.AsyncClient, app: FastAPI) -> None:
        self.client = client
        self.app = app

    async def register(
        self, username: str | None = None, email: str | None = None, password: str = PASSWORD
    ) -> dict[str, Any]:
        """Register a user (201) and return its `data`."""
        username = username or unique("user")
        response = await self.client.post(
            "/api/v1/auth/register",
            json={
                "username": username,
                "email": email or f"{username}@example.com",
                "password": password,
            },
        )
        data: dict[str, Any] = assert_envelope(response, 201, ErrorType.RESOURCE_CREATED)["data"]
        return data

    async def login(
        self, username: str, password: str | None = None, *, realm: Realm = Realm.USER
    ) -> Session:
        """Sign in with the JSON route (200) and return the session."""
        response = await self.client.post(
            f"{SIGN_IN[realm]}/login",
            json={"username": username, "password": password or PASSWORDS[realm]},
        )
        data = assert_envelope(response, 200, ErrorType.SUCCESS)["data"]
        return Session(
            realm=realm,
            account_id=-1,
            username=username,
            access=data["access_token"],
            refresh=data["refresh_token"],
            sid=data["sid"],
        )

    async def refresh(self, session: Session) -> Session:
        """Spend the session's refresh token (200): the same session with the rotated pair."""
        response = await self.client.post(
            f"{SIGN_IN[session.realm]}/refresh", json={"refresh_token": session.refresh}
        )
        data = assert_envelope(response, 200, ErrorType.SUCCESS)["data"]
        return replace(
            session, access=data["access_token"], refresh=data["refresh_token"], sid=data["sid"]
        )

    async def user(self, username: str | None = None) -> Session:
        """A registered, signed-in user."""
        data = await self.register(username)
        session = await self.login(data["username"])
        return replace(session, account_id=data["id"])

    async def user_signed_in_twice(self) -> tuple[Session, Session]:
        """A registered user with two live sessions (two devices, say): the first, the second."""
        first = await self.user()
        second = await self.login(first.username)
        return first, replace(second, account_id=first.account_id)

    async def admin(
        self, username: str | None = None, *, account_id: int | None = None, role: str = "admin"
    ) -> Session:
        """An administrator written to the admin store (as `admin create` does) and signed in."""
        username = username or unique("admin")
        admin_id = await insert_admin(self.app, username, ADMIN_PASSWORD, role, account_id)
        session = await self.login(username, realm=Realm.ADMIN)
        return replace(session, account_id=admin_id)

    async def signed_in(self, realm: Realm) -> Session:
        """A new account of the realm, signed in: a registered user or an administrator."""
        return await (self.user() if realm is Realm.USER else self.admin())
