"""Administrator accounts: the signed-in admin, and creating one from the command line."""

from sqlalchemy.ext.asyncio import AsyncSession

from app.api.admins.repository import AdminRepository
from app.core.errors import AuthError, ForbiddenError, NotFoundError
from app.core.i18n import MessageKey
from app.core.security.passwords import PasswordHasher
from app.core.security.tokens import INVALID_TOKEN_CHALLENGE
from app.models.mysql.admins import Admin


async def load_active_admin(session: AsyncSession, account_id: int) -> Admin:
    """The account's admin row; 401 if it is gone, 403 if it is inactive."""
    try:
        admin = await AdminRepository(session).get_by_id(account_id)
    except NotFoundError as exc:
        raise AuthError(MessageKey.AUTH_SESSION_ENDED, headers=INVALID_TOKEN_CHALLENGE) from exc
    if not admin.is_active:
        raise ForbiddenError(MessageKey.AUTH_ACCOUNT_INACTIVE)
    return admin


async def create_admin(
    session: AsyncSession, hasher: PasswordHasher, *, username: str, email: str, password: str
) -> Admin:
    """Add an administrator (`ConflictError` if the username or email is taken)."""
    password_hash = await hasher.hash(password)
    admins = AdminRepository(session)
    return await admins.create(username=username, email=email, password_hash=password_hash)
