"""Audit events: documents of the `audit_events` collection and their model."""

from datetime import datetime
from typing import Any

from pydantic import JsonValue, model_validator
from pymongo import DESCENDING, IndexModel

from app.models.mongo.document import StoredDocument

COLLECTION = "audit_events"

INDEXES = [
    IndexModel([("time", DESCENDING)], name="ix_audit_events_time"),
    IndexModel([("type", DESCENDING), ("time", DESCENDING)], name="ix_audit_events_type_time"),
    IndexModel([("actor", DESCENDING), ("time", DESCENDING)], name="ix_audit_events_actor_time"),
]


class AuditEvent(StoredDocument):
    """Something that happened to an account: who (`actor` in `realm`), from where, when."""

    type: str
    realm: str
    actor: str | None
    ip: str | None
    time: datetime
    details: dict[str, JsonValue]

    @model_validator(mode="before")
    @classmethod
    def _optional_keys(cls, data: Any) -> Any:
        # Who, whence and why may be missing from a stored event: none, and no details.
        if isinstance(data, dict):
            return {"actor": None, "ip": None, **data, "details": data.get("details") or {}}
        return data
