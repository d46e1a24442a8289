"""A whole auth flow leaves no secret in any response or log line."""

import logging
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from app.core.errors import ErrorType
from app.core.i18n import MessageKey, translate
from app.models.postgres.users import User
from app.resources import resources_of
from tests.behaviour.accounts import PASSWORD, Accounts, bearer, unique
from tests.envelope import assert_envelope

NEW_PASSWORD = "another long passphrase"
WRONG_PASSWORD = "wrong-password-typed"


async def _password_hash(app: FastAPI, username: str) -> str:
    database = resources_of(app).backends.postgres
    async with database.sessions() as session:
        found = await session.scalar(select(User.password_hash).where(User.username == username))
    assert found is not None
    return found


async def auth_flow(api: httpx.AsyncClient, auth_accounts: Accounts) -> dict[str, Any]:
    """Register, fail and succeed a login, refresh, replay, change password, log out."""
    issued: list[httpx.Response] = []
    other: list[httpx.Response] = []
    name = unique("flow")
    other.append(
        await api.post(
            "/api/v1/auth/register",
            json={"username": name, "email": f"{name}@example.com", "password": PASSWORD},
        )
    )
    other.append(
        await api.post("/api/v1/auth/login", json={"username": name, "password": WRONG_PASSWORD})
    )
    login = await api.post("/api/v1/auth/login", json={"username": name, "password": PASSWORD})
    issued.append(login)
    first = assert_envelope(login, 200)["data"]
    second_login = await api.post(
        "/api/v1/auth/login/form", data={"username": name, "password": PASSWORD}
    )
    issued.append(second_login)
    second = assert_envelope(second_login, 200)["data"]
    other.append(await api.get("/api/v1/users/me", headers=bearer(first["access_token"])))
    rotated_response = await api.post(
        "/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )
    issued.append(rotated_response)
    rotated = assert_envelope(rotated_response, 200)["data"]
    replay = await api.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert_envelope(replay, 401, ErrorType.UNAUTHORIZED)
    other.append(replay)
    change = await api.post(
        "/api/v1/users/me/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers=bearer(second["access_token"]),
    )
    assert_envelope(change, 200)
    other.append(change)
    other.append(await api.get("/api/v1/auth/sessions", headers=bearer(second["access_token"])))
    other.append(await api.post("/api/v1/auth/logout", headers=bearer(second["access_token"])))
    third = await auth_accounts.login(name, NEW_PASSWORD)
    other.append(await api.post("/api/v1/auth/logout-all", headers=third.headers))
    return {
        "name": name,
        "user_id": assert_envelope(other[0], 201)["data"]["id"],
        "issued": issued,
        "other": other,
        "tokens": [
            token
            for pair in (first, second, rotated)
            for token in (pair["access_token"], pair["refresh_token"])
        ]
        + [third.access, third.refresh],
    }


async def test_no_password_hash_or_token_in_any_response_or_log_line(
    api: httpx.AsyncClient, auth_accounts: Accounts, app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        flow = await auth_flow(api, auth_accounts)
    password_hash = await _password_hash(app, flow["name"])
    tokens: list[str] = flow["tokens"]
    # A token's signature alone is enough to be a leak.
    token_parts = [*tokens, *(token.rsplit(".", 1)[1] for token in tokens)]
    secrets = [PASSWORD, NEW_PASSWORD, WRONG_PASSWORD, password_hash, "$2b$", *token_parts]
    # httpx/httpcore log on the test's side of the wire (the client), not the app's.
    server_side = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    logged = "\n".join(record.getMessage() for record in server_side)
    assert "/api/v1/auth/login" in logged  # the access log did run
    for secret in secrets:
        assert secret not in logged
    passwords = [PASSWORD, NEW_PASSWORD, WRONG_PASSWORD, password_hash, "$2b$"]
    for response in flow["issued"]:
        for secret in passwords:
            assert secret not in response.text
    for response in flow["other"]:
        for secret in [*passwords, *token_parts]:
            assert secret not in response.text


async def test_auth_messages_follow_accept_language(api: httpx.AsyncClient) -> None:
    response = await api.post(
        "/api/v1/auth/login",
        json={"username": unique("nobody"), "password": WRONG_PASSWORD},
        headers={"Accept-Language": "ar-SA"},
    )
    body = assert_envelope(response, 401, ErrorType.UNAUTHORIZED)
    assert body["message"] == translate(MessageKey.AUTH_INVALID_CREDENTIALS, "ar")
