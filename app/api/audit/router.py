"""`/admin/audit`: the event log, for administrators."""

from typing import Annotated

from fastapi import APIRouter, Query

from app.api.audit import service
from app.api.audit.schema import AuditQuery
from app.api.pagination import PageOut
from app.core.envelope import Envelope, error_responses, success
from app.core.errors import ErrorType
from app.core.routing import EnvelopeRoute
from app.depends import AdminRolePrincipal, Lang, MongoDB
from app.models.mongo.audit_events import AuditEvent

router = APIRouter(prefix="/admin/audit", tags=["audit"], route_class=EnvelopeRoute)


@router.get(
    "",
    responses=error_responses(
        ErrorType.UNAUTHORIZED, ErrorType.FORBIDDEN, ErrorType.SERVICE_UNAVAILABLE
    ),
)
async def list_audit_events(
    query: Annotated[AuditQuery, Query()], admin: AdminRolePrincipal, db: MongoDB, lang: Lang
) -> Envelope[PageOut[AuditEvent]]:
    """List audit events newest first, by type and account, a page at a time."""
    return success(await service.list_audit_events(db, admin, query), lang)
