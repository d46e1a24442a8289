"""User accounts."""

from sqlalchemy import Boolean, CheckConstraint, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column

from app.models.accounts import AccountColumns
from app.models.postgres.base import PostgresBase
from app.models.timestamps import Timestamps

DEFAULT_USER_ROLE = "user"


class User(AccountColumns, Timestamps, PostgresBase):
    """A user; `email` is kept lower-cased so its uniqueness ignores case on every backend."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lowercase"),)

    role: Mapped[str] = mapped_column(String(32), default=DEFAULT_USER_ROLE)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_banned: Mapped[bool] = mapped_column(Boolean, default=False)


# "Ann" and "ann" are one username: the service checks first, and this index settles the
# race of two registrations that both passed that check (the plain unique one compares bytes).
Index("uq_users_username_lower", func.lower(User.username), unique=True)
