"""What both realms' account repositories share: creating, finding and listing accounts."""

from typing import Generic, TypeVar

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import NotFoundError
from app.core.i18n import MessageKey
from app.database.page import Page
from app.database.sql_errors import sql_errors
from app.database.sql_page import sql_page
from app.models.accounts import AccountColumns

AccountT = TypeVar("AccountT", bound=AccountColumns)


def normalize_email(email: str) -> str:
    """The stored form of an email: lower-cased, so uniqueness ignores case."""
    return email.lower()


class AccountRepository(Generic[AccountT]):
    """Reads and writes one realm's accounts inside the caller's unit of work (never commits)."""

    model: type[AccountT]
    # The role of a new account when the caller names none.
    default_role: str
    # What a missing account and a taken username or email are reported with.
    not_found: MessageKey
    exists: MessageKey

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(
        self, *, username: str, email: str, password_hash: str, role: str | None = None
    ) -> AccountT:
        """Add an active account; `ConflictError` if the username or email is taken."""
        account = self.model(
            username=username,
            email=normalize_email(email),
            password_hash=password_hash,
            role=self.default_role if role is None else role,
            is_active=True,
        )
        with sql_errors(self.exists):
            self.session.add(account)
            await self.session.flush()
        return account

    async def get_by_id(self, account_id: int) -> AccountT:
        """The account with this id; `NotFoundError` if there is none."""
        with sql_errors():
            account = await self.session.get(self.model, account_id)
        if account is None:
            raise NotFoundError(self.not_found)
        return account

    async def get_by_username(self, username: str) -> AccountT:
        """The account with this exact username; `NotFoundError` if there is none."""
        return await self._one(self.model.username == username)

    async def list(self, offset: int = 0, limit: int = 20) -> Page[AccountT]:
        """Accounts in id order from `offset`, at most `limit` (capped), with the total count."""
        return await sql_page(self.session, self.model, self.model.id, offset, limit)

    async def _one(self, condition: ColumnElement[bool]) -> AccountT:
        with sql_errors():
            account = await self.session.scalar(select(self.model).where(condition))
        if account is None:
            raise NotFoundError(self.not_found)
        return account
