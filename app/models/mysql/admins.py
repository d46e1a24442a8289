"""Administrator accounts (the legacy store)."""

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.accounts import AccountColumns
from app.models.mysql.base import MySQLBase
from app.models.timestamps import Timestamps

DEFAULT_ADMIN_ROLE = "admin"


class Admin(AccountColumns, Timestamps, MySQLBase):
    """An administrator; `email` is kept lower-cased, like users'."""

    __tablename__ = "admins"
    # Binary collation: MySQL's default one would make `Ann` and `ann` the same username,
    # unlike PostgreSQL and SQLite.
    __table_args__ = (
        {"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_bin"},
    )

    role: Mapped[str] = mapped_column(String(32), default=DEFAULT_ADMIN_ROLE)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
