"""Administrator accounts: creating one from the command line."""

from sqlalchemy.ext.asyncio import AsyncSession

from app.api.admins.repository import AdminRepository
from app.core.security.passwords import PasswordHasher
from app.models.mysql.admins import Admin


async def create_admin(
    session: AsyncSession, hasher: PasswordHasher, *, username: str, email: str, password: str
) -> Admin:
    """Add an administrator (`ConflictError` if the username or email is taken)."""
    password_hash = await hasher.hash(password)
    admins = AdminRepository(session)
    return await admins.create(username=username, email=email, password_hash=password_hash)
