"""Administrators in the MySQL role (the legacy store); failures come out as domain errors."""

from app.api.account_repository import AccountRepository
from app.core.i18n import MessageKey
from app.models.mysql.admins import DEFAULT_ADMIN_ROLE, Admin


class AdminRepository(AccountRepository[Admin]):
    """Reads and writes `admins` inside the caller's unit of work (it never commits)."""

    model = Admin
    default_role = DEFAULT_ADMIN_ROLE
    not_found = MessageKey.ADMIN_NOT_FOUND
    exists = MessageKey.ADMIN_EXISTS
