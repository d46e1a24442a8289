"""Audit rules, shared by REST and GraphQL: administrators read the event log."""

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from app.api.audit.repository import AuditRepository
from app.api.audit.schema import AuditQuery
from app.api.auth.principal import Principal
from app.api.pagination import PageOut, page_out
from app.api.permissions import require_admin
from app.models.mongo.audit_events import AuditEvent

MongoDatabase = AsyncDatabase[dict[str, Any]]


async def list_audit_events(
    db: MongoDatabase, principal: Principal | None, query: AuditQuery
) -> PageOut[AuditEvent]:
    """Events newest first (administrators only), filtered by `query`, with the total."""
    require_admin(principal)
    page = await AuditRepository(db).list(
        type=query.type,
        realm=query.realm.value if query.realm is not None else None,
        actor=query.actor,
        offset=query.offset,
        limit=query.limit,
    )
    return page_out(page, _same)


def _same(event: AuditEvent) -> AuditEvent:
    # The stored model is already the output: it holds nothing an administrator may not see.
    return event
