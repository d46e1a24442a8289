"""Audit events in MongoDB: an append-only record of what happened to accounts."""

from typing import Any, Unpack

from pymongo import DESCENDING
from pymongo.asynchronous.database import AsyncDatabase

from app.api.auth.audit import AuditRecord
from app.database.mongo import mongo_errors, mongo_page
from app.database.page import Page
from app.models.mongo import audit_events
from app.models.mongo.audit_events import AuditEvent
from app.models.mongo.clock import mongo_now

Document = dict[str, Any]


class AuditRepository:
    """Writes and reads the `audit_events` collection; events are never changed."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.collection = db[audit_events.COLLECTION]

    async def record(self, **event: Unpack[AuditRecord]) -> AuditEvent:
        """Store one event, stamped with the current time."""
        document: Document = {
            "type": event["type"],
            "realm": event["realm"],
            "actor": event.get("actor"),
            "ip": event.get("ip"),
            "time": mongo_now(),
            "details": event.get("details") or {},
        }
        with mongo_errors():
            result = await self.collection.insert_one(document)
        return AuditEvent.from_document({**document, "_id": result.inserted_id})

    async def list(
        self,
        *,
        type: str | None = None,
        realm: str | None = None,
        actor: str | None = None,
        offset: int = 0,
        limit: int = 20,
    ) -> Page[AuditEvent]:
        """Events newest first, filtered by type and/or account (realm, actor), with total."""
        query: Document = {}
        for field, value in (("type", type), ("realm", realm), ("actor", actor)):
            if value is not None:
                query[field] = value
        newest_first = [("time", DESCENDING), ("_id", DESCENDING)]
        return await mongo_page(
            self.collection,
            query,
            newest_first,
            AuditEvent.from_document,
            offset=offset,
            limit=limit,
        )
