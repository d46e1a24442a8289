"""Timestamps as MongoDB stores them."""

from datetime import datetime

from app.models.types import utcnow


def mongo_now() -> datetime:
    """Now, aware UTC, cut to the millisecond BSON keeps (so a read equals what was written)."""
    now = utcnow()
    return now.replace(microsecond=now.microsecond // 1000 * 1000)
