"""A whole auth flow leaves an audit trail in Mongo, and no secret in it."""

import httpx
from fastapi import FastAPI

from app.api.audit.repository import AuditRepository
from app.api.auth.audit import AuditEventType
from app.resources import resources_of
from tests.behaviour.accounts import ADMIN_PASSWORD, PASSWORD, Accounts
from tests.behaviour.test_auth_secrets_and_audit import NEW_PASSWORD, WRONG_PASSWORD, auth_flow


async def test_the_flow_is_audited_without_secrets(
    api: httpx.AsyncClient, auth_accounts: Accounts, app: FastAPI
) -> None:
    admin = await auth_accounts.admin()
    flow = await auth_flow(api, auth_accounts)
    victim = await auth_accounts.user()
    await api.post(f"/api/v1/admin/users/{victim.account_id}/ban", headers=admin.headers)
    await api.post(f"/api/v1/admin/users/{victim.account_id}/unban", headers=admin.headers)

    page = await AuditRepository(resources_of(app).backends.mongo.db).list(limit=100)
    kinds = {event.type for event in page.items}
    # Everything but ending one session from the list, which this flow does not do.
    expected = {kind.value for kind in AuditEventType} - {AuditEventType.SESSION_REVOKED.value}
    assert expected <= kinds
    ban = next(e for e in page.items if e.type == AuditEventType.USER_BANNED.value)
    assert (ban.realm, ban.actor) == ("admin", str(admin.account_id))
    assert ban.details["user_id"] == victim.account_id
    reuse = next(e for e in page.items if e.type == AuditEventType.REFRESH_REUSED.value)
    assert (reuse.realm, reuse.actor) == ("user", str(flow["user_id"]))
    failed = [e for e in page.items if e.type == AuditEventType.LOGIN_FAILED.value]
    assert failed
    assert all(event.ip for event in page.items)
    stored = "\n".join(event.model_dump_json() for event in page.items)
    for secret in [PASSWORD, NEW_PASSWORD, WRONG_PASSWORD, ADMIN_PASSWORD, "$2b$", *flow["tokens"]]:
        assert secret not in stored
