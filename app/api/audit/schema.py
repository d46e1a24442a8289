"""Audit listing filters; events are returned as stored (`AuditEvent`)."""

from typing import Annotated

from pydantic import Field, StringConstraints

from app.api.operator_guard import QueryText
from app.api.pagination import PageQuery
from app.core.security.tokens import Realm

EventType = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z][A-Za-z0-9_.:-]*$")
]


class AuditQuery(PageQuery):
    """Filters and page of the audit listing; every filter given must match."""

    type: EventType | None = Field(default=None, description="Only events of this type.")
    realm: Realm | None = Field(default=None, description="Only events of this account store.")
    actor: QueryText | None = Field(
        default=None, description="Only events of this account (with `realm` to be exact)."
    )
