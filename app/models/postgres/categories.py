"""Product categories, addressed by slug."""

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.postgres.base import PostgresBase
from app.models.timestamps import Timestamps


class Category(Timestamps, PostgresBase):
    """A category; products refer to it by `slug`."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(128))
