"""The account-row check every authentication and refresh makes: exists, active, not banned."""

from app.api.admins.service import load_active_admin
from app.api.users.service import load_active_user
from app.core.security.tokens import Realm
from app.database.session import read_retrying
from app.database.sql import SQLDatabase
from app.models.mysql.admins import Admin
from app.models.postgres.users import User


class AccountCheck:
    """Reads an account row in a short session of its own and refuses unusable accounts."""

    def __init__(self, users: SQLDatabase, admins: SQLDatabase) -> None:
        self._databases = {Realm.USER: users, Realm.ADMIN: admins}

    async def account(self, realm: Realm, account_id: int) -> User | Admin:
        """The account's row; 401 if it is gone, 403 if banned or inactive."""
        # Its own session, closed at once: the connection goes back before the handler runs
        # (and before any bcrypt), instead of being held for the whole request.
        database = self._databases[realm]
        if realm is Realm.USER:
            return await read_retrying(
                database, lambda session: load_active_user(session, account_id)
            )
        return await read_retrying(database, lambda session: load_active_admin(session, account_id))

    async def role(self, realm: Realm, account_id: int) -> str:
        """The account's current role; 401 if its row is gone, 403 if banned or inactive."""
        return (await self.account(realm, account_id)).role
