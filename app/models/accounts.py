"""The columns an account has in either realm's store: who it is and how it signs in."""

from typing import TYPE_CHECKING, Any

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

# Before the model's own columns, where the tables (and their migrations) have them.
FIRST = -1


class AccountColumns:
    """Id, unique username and email (kept lower-cased), and the bcrypt hash."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True, sort_order=FIRST)
    username: Mapped[str] = mapped_column(String(64), unique=True, sort_order=FIRST)
    email: Mapped[str] = mapped_column(String(320), unique=True, sort_order=FIRST)
    password_hash: Mapped[str] = mapped_column(String(255), sort_order=FIRST)

    if TYPE_CHECKING:
        # Built from its columns by keyword, as every mapped class is (the model's base
        # supplies the constructor; this tells the type checker of code generic over accounts).
        def __init__(self, **columns: Any) -> None: ...
