"""Creation and update times shared by the SQL models."""

from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from app.models.types import UTCDateTime, utcnow


class Timestamps:
    """`created_at` set on insert, `updated_at` on every update; both aware UTC."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
