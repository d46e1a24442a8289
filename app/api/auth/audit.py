"""Audit events of the auth paths: written to the audit store, never allowed to fail a request."""

import logging
from enum import StrEnum
from typing import NotRequired, Protocol, TypedDict, Unpack

from pydantic import JsonValue
from pymongo.errors import PyMongoError

from app.core.breaker import CircuitBreaker
from app.core.errors import AppError, ServiceUnavailableError
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


class AuditRecord(TypedDict):
    """One event as a store is handed it: what, in which realm, and optionally who, whence, why."""

    type: str
    realm: str
    actor: NotRequired[str | None]
    ip: NotRequired[str | None]
    details: NotRequired[dict[str, JsonValue] | None]


class AuditStore(Protocol):
    """Where audit events are kept (`app.api.audit.repository.AuditRepository` in MongoDB)."""

    async def record(self, **event: Unpack[AuditRecord]) -> object:
        """Store one event."""


# Errors of a store that is down or refusing; the trail logs them instead of failing auth.
STORE_ERRORS: tuple[type[Exception], ...] = (AppError, PyMongoError, OSError)


class AuditTrail:
    """Records auth events; a store outage is logged, never raised.

    Auth must keep working while the audit store is down, so an event that cannot be stored
    costs a warning in the log, not the user's request. Without a store (`None`) every
    event goes to the log.
    """

    def __init__(self, store: AuditStore | None, breaker: CircuitBreaker | None = None) -> None:
        self._store = store
        # Once the store is known down, events go to the log at once instead of each waiting
        # out the connect timeout (app/core/breaker.py).
        self._breaker = breaker

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
        if self._store is None:
            logger.info("audit event type=%s realm=%s actor=%s", event.value, realm.value, actor)
            return
        breaker = self._breaker
        if breaker is not None and not breaker.allow():
            self._not_stored(event, realm, actor, "CircuitOpen")
            return
        try:
            await self._store.record(
                type=event.value,
                realm=realm.value,
                actor=None if actor is None else str(actor),
                ip=ip or None,
                details=details,
            )
        except STORE_ERRORS as exc:
            if breaker is not None:
                # Only "cannot reach the store" trips it; a refused write means it answered.
                if isinstance(exc, ServiceUnavailableError | OSError):
                    breaker.failed()
                else:
                    breaker.succeeded()
            self._not_stored(event, realm, actor, type(exc).__name__)
            return
        if breaker is not None:
            breaker.succeeded()

    def _not_stored(self, event: AuditEventType, realm: Realm, actor: int | None, why: str) -> None:
        logger.warning(
            "audit event not stored type=%s realm=%s actor=%s error=%s",
            event.value,
            realm.value,
            actor,
            why,
        )
