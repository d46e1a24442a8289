"""`/api/v1/admin/audit`: administrators page through events, by type and by account."""

from typing import Any

import httpx
import pytest
from pymongo.asynchronous.database import AsyncDatabase

from app.api.audit.repository import AuditRepository
from app.core.errors import ErrorType
from tests.behaviour.domain import API, BAD_PAGES, Accounts, Caller
from tests.envelope import assert_envelope

AUDIT = f"{API}/admin/audit"
Db = AsyncDatabase[dict[str, Any]]


async def record_events(db: Db) -> None:
    audit = AuditRepository(db)
    await audit.record(type="login", realm="user", actor="1", ip="10.0.0.1")
    await audit.record(type="login_failed", realm="user", actor="2", details={"reason": "pw"})
    await audit.record(type="login", realm="admin", actor="1")
    await audit.record(type="ban", realm="admin", actor="1", details={"user": 2})


async def test_admin_lists_newest_first_with_total(
    api: httpx.AsyncClient, admin: Caller, app_mongo: Db
) -> None:
    await record_events(app_mongo)
    body = assert_envelope(await api.get(AUDIT, headers=admin.headers), 200, ErrorType.SUCCESS)
    page = body["data"]
    assert page["total"] == 4
    assert [event["type"] for event in page["items"]] == ["ban", "login", "login_failed", "login"]
    assert set(page["items"][0]) == {"id", "type", "realm", "actor", "ip", "time", "details"}
    assert page["items"][0]["details"] == {"user": 2}
    assert page["items"][3]["ip"] == "10.0.0.1"


async def test_filters_by_type_and_account(
    api: httpx.AsyncClient, admin: Caller, app_mongo: Db
) -> None:
    await record_events(app_mongo)

    async def listed(**params: str) -> list[tuple[str, str, str]]:
        body = assert_envelope(await api.get(AUDIT, params=params, headers=admin.headers), 200)
        return [(item["type"], item["realm"], item["actor"]) for item in body["data"]["items"]]

    assert await listed(type="login") == [("login", "admin", "1"), ("login", "user", "1")]
    assert await listed(actor="1") == [
        ("ban", "admin", "1"),
        ("login", "admin", "1"),
        ("login", "user", "1"),
    ]
    assert await listed(actor="1", realm="user") == [("login", "user", "1")]
    assert await listed(type="login", realm="admin", actor="1") == [("login", "admin", "1")]
    assert await listed(type="logout") == []


async def test_pages(api: httpx.AsyncClient, admin: Caller, app_mongo: Db) -> None:
    await record_events(app_mongo)
    params = {"offset": 1, "limit": 2}
    body = assert_envelope(await api.get(AUDIT, params=params, headers=admin.headers), 200)
    assert [item["type"] for item in body["data"]["items"]] == ["login", "login_failed"]
    assert (body["data"]["total"], body["data"]["offset"], body["data"]["limit"]) == (4, 1, 2)


@pytest.mark.parametrize(
    "params",
    [
        *BAD_PAGES,
        {"realm": "root"},
        {"type": "has space"},
        {"account": "1"},
    ],
)
async def test_refuses_bad_parameters(
    api: httpx.AsyncClient, admin: Caller, params: dict[str, Any]
) -> None:
    response = await api.get(AUDIT, params=params, headers=admin.headers)
    assert_envelope(response, 422, ErrorType.VALIDATION_ERROR)


async def test_anonymous_is_401(api: httpx.AsyncClient) -> None:
    response = await api.get(AUDIT)
    assert_envelope(response, 401, ErrorType.UNAUTHORIZED)
    assert response.headers["www-authenticate"] == "Bearer"


async def test_a_user_token_is_refused(
    api: httpx.AsyncClient, accounts: Accounts, app_mongo: Db
) -> None:
    await record_events(app_mongo)
    user = await accounts.user("ann")
    # A valid token of the other realm: 403 (insufficient scope), not "sign in again".
    body = assert_envelope(await api.get(AUDIT, headers=user.headers), 403, ErrorType.FORBIDDEN)
    assert body["data"] is None
