"""The account-row check every authentication and refresh makes: exists, active, not banned."""

from typing import Any

from sqlalchemy import Select, bindparam, select

from app.core.errors import AuthError, ForbiddenError
from app.core.i18n import MessageKey
from app.core.security.tokens import INVALID_TOKEN_CHALLENGE, Realm
from app.database.session import read_row
from app.database.sql import SQLDatabase
from app.models.mysql.admins import Admin
from app.models.postgres.users import User

Account = User | Admin


def _by_id(model: type[Account]) -> Select[Any]:
    # A Core select (built once, its compiled form cached by SQLAlchemy): the row without
    # an ORM session's identity map, unit of work and loading machinery on every request.
    table = model.__table__
    return select(*table.columns).where(table.c.id == bindparam("account_id"))


_READS: dict[Realm, tuple[type[Account], Select[Any]]] = {
    Realm.USER: (User, _by_id(User)),
    Realm.ADMIN: (Admin, _by_id(Admin)),
}


def refuse_unusable(account: Account) -> None:
    """403 for a banned or inactive account (administrators cannot be banned)."""
    # Read on every request: a ban bites at once, even for a session still in Redis.
    if getattr(account, "is_banned", False):
        raise ForbiddenError(MessageKey.AUTH_ACCOUNT_BANNED)
    if not account.is_active:
        raise ForbiddenError(MessageKey.AUTH_ACCOUNT_INACTIVE)


class AccountCheck:
    """Reads an account row on a connection of its own and refuses unusable accounts."""

    def __init__(self, users: SQLDatabase, admins: SQLDatabase) -> None:
        self._databases = {Realm.USER: users, Realm.ADMIN: admins}

    async def account(self, realm: Realm, account_id: int) -> Account:
        """The account's row; 401 if it is gone, 403 if banned or inactive."""
        # The connection goes back before the handler runs (and before any bcrypt),
        # instead of being held for the whole request.
        model, statement = _READS[realm]
        row = await read_row(self._databases[realm], statement, {"account_id": account_id})
        if row is None:
            raise AuthError(MessageKey.AUTH_SESSION_ENDED, headers=INVALID_TOKEN_CHALLENGE)
        # Detached, as a closed session would leave it: handlers only read it.
        account = model(**row)
        refuse_unusable(account)
        return account

    async def role(self, realm: Realm, account_id: int) -> str:
        """The account's current role; 401 if its row is gone, 403 if banned or inactive."""
        return (await self.account(realm, account_id)).role
