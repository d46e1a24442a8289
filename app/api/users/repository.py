"""Users in the PostgreSQL role; failures come out as domain errors only."""

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import NotFoundError
from app.core.i18n import MessageKey
from app.database.page import Page
from app.database.sql_errors import sql_errors
from app.database.sql_page import sql_page
from app.models.postgres.users import DEFAULT_USER_ROLE, User


def normalize_email(email: str) -> str:
    """The stored form of an email: lower-cased, so uniqueness ignores case."""
    return email.lower()


class UserRepository:
    """Reads and writes `users` inside the caller's unit of work (it never commits)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(
        self, *, username: str, email: str, password_hash: str, role: str = DEFAULT_USER_ROLE
    ) -> User:
        """Add an active, unbanned user; `ConflictError` if the username or email is taken."""
        user = User(
            username=username,
            email=normalize_email(email),
            password_hash=password_hash,
            role=role,
            is_active=True,
            is_banned=False,
        )
        with sql_errors(MessageKey.USER_EXISTS):
            self.session.add(user)
            await self.session.flush()
        return user

    async def get_by_id(self, user_id: int) -> User:
        """The user with this id; `NotFoundError` if there is none."""
        with sql_errors():
            user = await self.session.get(User, user_id)
        if user is None:
            raise NotFoundError(MessageKey.USER_NOT_FOUND)
        return user

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

    async def get_by_username(self, username: str) -> User:
        """The user with this exact username; `NotFoundError` if there is none."""
        return await self._one(User.username == username)

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

    async def _one(self, condition: ColumnElement[bool]) -> User:
        with sql_errors():
            user = await self.session.scalar(select(User).where(condition))
        if user is None:
            raise NotFoundError(MessageKey.USER_NOT_FOUND)
        return user

    async def list(self, offset: int = 0, limit: int = 20) -> Page[User]:
        """Users in id order from `offset`, at most `limit` (capped), with the total count."""
        return await sql_page(self.session, User, User.id, offset, limit)
