"""Creates every collection's indexes; safe to run at each startup."""

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from app.models.mongo import audit_events, products

COLLECTION_INDEXES = {
    products.COLLECTION: products.INDEXES,
    audit_events.COLLECTION: audit_events.INDEXES,
}


async def ensure_indexes(db: AsyncDatabase[dict[str, Any]]) -> None:
    """Create the indexes that are missing; existing identical ones are left as they are."""
    for collection, indexes in COLLECTION_INDEXES.items():
        await db[collection].create_indexes(indexes)
