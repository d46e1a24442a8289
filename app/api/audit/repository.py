"""Audit events in MongoDB: an append-only record of what happened to accounts."""

from typing import Any

from pydantic import JsonValue
from pymongo import DESCENDING
from pymongo.asynchronous.database import AsyncDatabase

from app.database.mongo import mongo_errors
from app.database.page import Page, clamp_limit, clamp_offset
from app.models.mongo import audit_events
from app.models.mongo.audit_events import AuditEvent
from app.models.mongo.clock import mongo_now

Document = dict[str, Any]


class AuditRepository:
    """Writes and reads the `audit_events` collection; events are never changed."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.collection = db[audit_events.COLLECTION]

    async def record(
        self,
        *,
        type: str,
        realm: str,
        actor: str | None = None,
        ip: str | None = None,
        details: dict[str, JsonValue] | None = None,
    ) -> AuditEvent:
        """Store one event, stamped with the current time."""
        document: Document = {
            "type": type,
            "realm": realm,
            "actor": actor,
            "ip": ip,
            "time": mongo_now(),
            "details": details or {},
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
        offset, limit = clamp_offset(offset), clamp_limit(limit)
        with mongo_errors():
            total = await self.collection.count_documents(query)
            cursor = (
                self.collection.find(query)
                .sort([("time", DESCENDING), ("_id", DESCENDING)])
                .skip(offset)
                .limit(limit)
            )
            documents = await cursor.to_list(limit)
        items = [AuditEvent.from_document(document) for document in documents]
        return Page(items=items, total=total, offset=offset, limit=limit)
