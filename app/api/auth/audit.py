"""Audit events of the auth paths: written to MongoDB, never allowed to fail a request."""

import logging
from enum import StrEnum

from pydantic import JsonValue
from pymongo.errors import PyMongoError

from app.api.audit.repository import AuditRepository
from app.core.errors import AppError
from app.core.security.tokens import Realm

logger = logging.getLogger("app.audit")


class AuditEventType(StrEnum):
    """What happened to an account; the `type` of an audit event."""

    LOGIN_SUCCEEDED = "auth.login_succeeded"
    LOGIN_FAILED = "auth.login_failed"
    LOGOUT = "auth.logout"
    LOGOUT_ALL = "auth.logout_all"
    SESSION_REVOKED = "auth.session_revoked"
    REFRESH_REUSED = "auth.refresh_reused"
    PASSWORD_CHANGED = "auth.password_changed"  # noqa: S105 - an event name
    USER_BANNED = "admin.user_banned"
    USER_UNBANNED = "admin.user_unbanned"


class AuditTrail:
    """Records auth events; a MongoDB outage is logged, never raised.

    Auth must keep working while MongoDB is down (only product routes depend on it), so an
    event that cannot be stored costs a warning in the log, not the user's request.
    """

    def __init__(self, repository: AuditRepository) -> None:
        self._repository = repository

    async def record(
        self,
        event: AuditEventType,
        realm: Realm,
        *,
        actor: int | None = None,
        ip: str | None = None,
        details: dict[str, JsonValue] | None = None,
    ) -> None:
        """Store one event (ids and reasons only: never passwords, hashes or tokens)."""
        try:
            await self._repository.record(
                type=event.value,
                realm=realm.value,
                actor=None if actor is None else str(actor),
                ip=ip or None,
                details=details,
            )
        except (AppError, PyMongoError, OSError) as exc:
            logger.warning(
                "audit event not stored type=%s realm=%s actor=%s error=%s",
                event.value,
                realm.value,
                actor,
                type(exc).__name__,
            )
