"""The PostgreSQL role's tables; importing this registers them all on `PostgresBase.metadata`."""

from app.models.postgres.base import PostgresBase
from app.models.postgres.categories import Category
from app.models.postgres.users import User

__all__ = ["Category", "PostgresBase", "User"]
