"""Users in the PostgreSQL role; failures come out as domain errors only."""

from sqlalchemy import func, select

from app.api.account_repository import AccountRepository, normalize_email
from app.core.errors import NotFoundError
from app.core.i18n import MessageKey
from app.database.sql_errors import sql_errors
from app.models.postgres.users import DEFAULT_USER_ROLE, User


class UserRepository(AccountRepository[User]):
    """Reads and writes `users` inside the caller's unit of work (it never commits)."""

    model = User
    default_role = DEFAULT_USER_ROLE
    not_found = MessageKey.USER_NOT_FOUND
    exists = MessageKey.USER_EXISTS

    async def lock(self, user_id: int) -> User:
        """The user's row, read afresh and held (FOR UPDATE) until the unit of work ends.

        PostgreSQL makes a second writer wait here, then read the first one's result. SQLite
        (the embedded profile) has no row locks: SQLAlchemy leaves the clause out there.
        """
        statement = (
            select(User)
            .where(User.id == user_id)
            .with_for_update()
            # The session may already hold this user (from authentication): take the
            # locked row's values, not the ones read before waiting for the lock.
            .execution_options(populate_existing=True)
        )
        with sql_errors():
            user = await self.session.scalar(statement)
        if user is None:
            raise NotFoundError(MessageKey.USER_NOT_FOUND)
        return user

    async def get_by_email(self, email: str) -> User:
        """The user with this email, in any letter case; `NotFoundError` if there is none."""
        return await self._one(User.email == normalize_email(email))

    async def update(
        self,
        user_id: int,
        *,
        username: str | None = None,
        email: str | None = None,
        password_hash: str | None = None,
        role: str | None = None,
        is_active: bool | None = None,
    ) -> User:
        """Change the given fields (None leaves one as it is); errors as `create`/`get_by_id`."""
        user = await self.get_by_id(user_id)
        if username is not None:
            user.username = username
        if email is not None:
            user.email = normalize_email(email)
        if password_hash is not None:
            user.password_hash = password_hash
        if role is not None:
            user.role = role
        if is_active is not None:
            user.is_active = is_active
        with sql_errors(MessageKey.USER_EXISTS):
            await self.session.flush()
        return user

    async def set_banned(self, user_id: int, banned: bool) -> User:
        """Mark the user banned (or not); `NotFoundError` if there is none."""
        user = await self.get_by_id(user_id)
        user.is_banned = banned
        with sql_errors():
            await self.session.flush()
        return user

    async def username_taken(self, username: str, *, exclude_id: int | None = None) -> bool:
        """Whether another user has this username in any letter case."""
        condition = func.lower(User.username) == username.lower()
        if exclude_id is not None:
            condition = condition & (User.id != exclude_id)
        with sql_errors():
            found = await self.session.scalar(select(User.id).where(condition).limit(1))
        return found is not None
