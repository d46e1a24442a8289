"""Registration, login, refresh, logout and sessions: the logic REST and GraphQL share."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from app.api.auth.audit import AuditEventType, AuditTrail
from app.api.auth.principal import Principal
from app.api.auth.ratelimit import LoginLimiter
from app.api.auth.sessions import ClientInfo, SessionInfo
from app.api.auth.tokens import RefreshTokenReusedError, TokenPair, TokenService
from app.api.users.repository import UserRepository
from app.core.errors import (
    AuthError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    ServiceUnavailableError,
)
from app.core.i18n import MessageKey
from app.core.security.passwords import PasswordHasher
from app.core.security.tokens import Realm
from app.database.sql import SQLDatabase
from app.models.postgres.users import User


class AccountRoles(Protocol):
    """The account-row check (`app.api.auth.accounts.AccountCheck`)."""

    async def role(self, realm: Realm, account_id: int) -> str:
        """The account's current role; 401 if gone, 403 if banned or inactive."""


@dataclass(frozen=True)
class AuthServices:
    """What the auth logic needs from the running app, built once per request (no I/O)."""

    tokens: TokenService
    hasher: PasswordHasher
    limiter: LoginLimiter
    audit: AuditTrail
    accounts: AccountRoles


class Account(Protocol):
    """What login reads from an account row of either realm."""

    @property
    def id(self) -> int:
        """The account's id within its realm."""

    @property
    def password_hash(self) -> str:
        """The bcrypt hash."""

    @property
    def role(self) -> str:
        """The role tokens carry."""

    @property
    def is_active(self) -> bool:
        """Whether the account may sign in at all."""


AccountFinder = Callable[[str], Awaitable[Account | None]]


class AccountRows(Protocol):
    """A realm's account repository, as login reads it."""

    async def get_by_username(self, username: str) -> Account:
        """The account with this exact username; `NotFoundError` if there is none."""


def account_finder(
    database: SQLDatabase, rows: Callable[[AsyncSession], AccountRows]
) -> AccountFinder:
    """Look up an account by exact username in a short session of its own; None if none."""

    async def find(username: str) -> Account | None:
        async with database.sessions() as session:
            try:
                return await rows(session).get_by_username(username)
            except NotFoundError:
                return None

    return find


async def register_user(
    session: AsyncSession, hasher: PasswordHasher, *, username: str, email: str, password: str
) -> User:
    """Create a user; `ConflictError` if the username (any case) or email is taken."""
    users = UserRepository(session)
    # The unique index compares exact bytes; "Ann" and "ann" must still be one account.
    if await users.username_taken(username):
        raise ConflictError(MessageKey.USER_EXISTS)
    password_hash = await hasher.hash(password)
    return await users.create(username=username, email=email, password_hash=password_hash)


def is_banned(account: Account) -> bool:
    """Whether the account is banned (only user accounts can be)."""
    return isinstance(account, User) and account.is_banned


def _refusal(account: Account) -> MessageKey | None:
    if is_banned(account):
        return MessageKey.AUTH_ACCOUNT_BANNED
    return MessageKey.AUTH_ACCOUNT_INACTIVE if not account.is_active else None


async def login(
    realm: Realm,
    username: str,
    password: str,
    *,
    find_account: AccountFinder,
    services: AuthServices,
    client: ClientInfo,
) -> TokenPair:
    """Reserve an attempt, check the password, open a session, re-check: 401, 403 or 429."""
    # Counted before bcrypt: N concurrent guesses check at most the limit, not N.
    await services.limiter.reserve(realm, client.ip, username)
    # `find_account` reads in a short session of its own: no SQL connection is held while
    # bcrypt runs (a queue of logins must not starve every other request of connections).
    account = await find_account(username)
    # Unknown accounts still pay for one bcrypt verify: timing must not reveal who exists.
    try:
        verified = await services.hasher.verify(
            password, account.password_hash if account is not None else None
        )
    except ServiceUnavailableError:
        # The bcrypt queue is full (503 + Retry-After): nothing was checked, so nothing counts.
        await services.limiter.cancel(realm, client.ip, username)
        raise
    if account is None or not verified:
        await services.audit.record(
            AuditEventType.LOGIN_FAILED,
            realm,
            actor=account.id if account is not None else None,
            ip=client.ip,
            details={"reason": "invalid_credentials"},
        )
        raise AuthError(MessageKey.AUTH_INVALID_CREDENTIALS)
    # The right password: the attempt does not count against anyone.
    await services.limiter.release(realm, client.ip, username)
    # Only after the right password: a stranger learns nothing about the account's state.
    refusal = _refusal(account)
    if refusal is not None:
        await services.audit.record(
            AuditEventType.LOGIN_FAILED,
            realm,
            actor=account.id,
            ip=client.ip,
            details={"reason": "banned" if is_banned(account) else "inactive"},
        )
        raise ForbiddenError(refusal)
    # Read before the re-check below: a revocation that commits after the re-check bumps
    # the generation after this read, so the session opened here is refused from then on.
    generation = await services.tokens.sessions.generation(realm, account.id)
    pair = await services.tokens.issue(
        realm, account.id, account.role, generation=generation, client=client
    )
    await _recheck(realm, username, account, pair, find_account=find_account, services=services)
    await services.audit.record(
        AuditEventType.LOGIN_SUCCEEDED, realm, actor=account.id, ip=client.ip
    )
    return pair


async def _recheck(
    realm: Realm,
    username: str,
    account: Account,
    pair: TokenPair,
    *,
    find_account: AccountFinder,
    services: AuthServices,
) -> None:
    """Close the race with a ban or password change that committed while bcrypt ran."""
    again = await find_account(username)
    refusal = _refusal(again) if again is not None else None
    unchanged = (
        again is not None
        and again.id == account.id
        and again.password_hash == account.password_hash
        and refusal is None
    )
    if unchanged:
        return
    await services.tokens.sessions.revoke(pair.sid, realm=realm, account_id=account.id)
    if refusal is not None:
        raise ForbiddenError(refusal)
    raise AuthError(MessageKey.AUTH_INVALID_CREDENTIALS)


async def refresh(
    realm: Realm, refresh_token: str, *, services: AuthServices, client: ClientInfo
) -> TokenPair:
    """Rotate a refresh token; a spent one revokes its session (audited) and is a 401.

    The account row is read again first: a deleted account is a 401, a banned or inactive
    one a 403, and the new tokens carry the role the row has now.
    """
    try:
        return await services.tokens.refresh(refresh_token, realm, services.accounts.role)
    except RefreshTokenReusedError as exc:
        await services.audit.record(
            AuditEventType.REFRESH_REUSED,
            realm,
            actor=exc.account_id,
            ip=client.ip,
            details={"session_revoked": True},
        )
        raise


async def logout(principal: Principal, *, services: AuthServices, client: ClientInfo) -> None:
    """End the caller's session."""
    await services.tokens.logout(principal)
    await services.audit.record(
        AuditEventType.LOGOUT, principal.realm, actor=principal.account_id, ip=client.ip
    )


async def logout_all(principal: Principal, *, services: AuthServices, client: ClientInfo) -> int:
    """End every session of the caller's account, this one included; returns how many.

    The generation bump makes a session opened concurrently (a racing login) end too.
    """
    return await end_sessions(
        services, AuditEventType.LOGOUT_ALL, principal.realm, principal.account_id, client
    )


async def end_sessions(
    services: AuthServices,
    event: AuditEventType,
    realm: Realm,
    account_id: int,
    client: ClientInfo,
    *,
    keep: str | None = None,
) -> int:
    """End the account's sessions (all but `keep`) and audit it as `event`; returns how many."""
    ended = await services.tokens.logout_all(realm, account_id, keep=keep)
    await services.audit.record(
        event, realm, actor=account_id, ip=client.ip, details={"sessions_ended": ended}
    )
    return ended


async def list_sessions(principal: Principal, tokens: TokenService) -> list[SessionInfo]:
    """The caller's live sessions, oldest first."""
    return await tokens.sessions.list(principal.realm, principal.account_id)


async def revoke_session(
    principal: Principal, sid: str, *, services: AuthServices, client: ClientInfo
) -> None:
    """End one of the caller's sessions; `NotFoundError` if it is not one of theirs."""
    revoked = await services.tokens.sessions.revoke(
        sid, realm=principal.realm, account_id=principal.account_id
    )
    if not revoked:
        raise NotFoundError(MessageKey.AUTH_SESSION_NOT_FOUND)
    await services.audit.record(
        AuditEventType.SESSION_REVOKED, principal.realm, actor=principal.account_id, ip=client.ip
    )
