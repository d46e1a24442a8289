"""Audit events: documents of the `audit_events` collection and their model."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, JsonValue
from pymongo import DESCENDING, IndexModel

COLLECTION = "audit_events"

INDEXES = [
    IndexModel([("time", DESCENDING)], name="ix_audit_events_time"),
    IndexModel([("type", DESCENDING), ("time", DESCENDING)], name="ix_audit_events_type_time"),
    IndexModel([("actor", DESCENDING), ("time", DESCENDING)], name="ix_audit_events_actor_time"),
]


class AuditEvent(BaseModel):
    """Something that happened to an account: who (`actor` in `realm`), from where, when."""

    id: str
    type: str
    realm: str
    actor: str | None
    ip: str | None
    time: datetime
    details: dict[str, JsonValue]

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> "AuditEvent":
        """The model for a stored document."""
        return cls(
            id=str(document["_id"]),
            type=document["type"],
            realm=document["realm"],
            actor=document.get("actor"),
            ip=document.get("ip"),
            time=document["time"],
            details=document.get("details") or {},
        )
