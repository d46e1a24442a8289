"""Administrators in the MySQL role (the legacy store); failures come out as domain errors."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.api.users.repository import normalize_email
from app.core.errors import NotFoundError
from app.core.i18n import MessageKey
from app.database.page import Page
from app.database.sql_errors import sql_errors
from app.database.sql_page import sql_page
from app.models.mysql.admins import DEFAULT_ADMIN_ROLE, Admin


class AdminRepository:
    """Reads and writes `admins` inside the caller's unit of work (it never commits)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(
        self, *, username: str, email: str, password_hash: str, role: str = DEFAULT_ADMIN_ROLE
    ) -> Admin:
        """Add an active administrator; `ConflictError` if the username or email is taken."""
        admin = Admin(
            username=username,
            email=normalize_email(email),
            password_hash=password_hash,
            role=role,
            is_active=True,
        )
        with sql_errors(MessageKey.ADMIN_EXISTS):
            self.session.add(admin)
            await self.session.flush()
        return admin

    async def get_by_id(self, admin_id: int) -> Admin:
        """The administrator with this id; `NotFoundError` if there is none."""
        with sql_errors():
            admin = await self.session.get(Admin, admin_id)
        if admin is None:
            raise NotFoundError(MessageKey.ADMIN_NOT_FOUND)
        return admin

    async def get_by_username(self, username: str) -> Admin:
        """The administrator with this exact username; `NotFoundError` if there is none."""
        with sql_errors():
            admin = await self.session.scalar(select(Admin).where(Admin.username == username))
        if admin is None:
            raise NotFoundError(MessageKey.ADMIN_NOT_FOUND)
        return admin

    async def list(self, offset: int = 0, limit: int = 20) -> Page[Admin]:
        """Administrators in id order from `offset`, at most `limit`, with the total count."""
        return await sql_page(self.session, Admin, Admin.id, offset, limit)
