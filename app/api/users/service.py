"""The signed-in user's account, and the admin actions on users: logic REST and GraphQL share."""

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from app.api.auth.accounts import refuse_unusable
from app.api.auth.audit import AuditEventType
from app.api.auth.principal import Principal
from app.api.auth.service import AuthServices, end_sessions
from app.api.auth.sessions import ClientInfo
from app.api.pagination import PageOut, PageQuery, page_out
from app.api.users.repository import UserRepository
from app.api.users.schema import UserOut
from app.core.conditional import check_if_match
from app.core.errors import AuthError, ConflictError, NotFoundError, ValidationError
from app.core.i18n import MessageKey
from app.core.security.tokens import INVALID_TOKEN_CHALLENGE, Realm
from app.database.session import commit_now
from app.models.postgres.users import User


async def load_active_user(session: AsyncSession, account_id: int) -> User:
    """The account's row; 401 if it is gone, 403 if it is banned or inactive."""
    try:
        user = await UserRepository(session).get_by_id(account_id)
    except NotFoundError as exc:
        raise AuthError(MessageKey.AUTH_SESSION_ENDED, headers=INVALID_TOKEN_CHALLENGE) from exc
    refuse_unusable(user)
    return user


async def update_profile(
    session: AsyncSession,
    user: User,
    *,
    username: str | None,
    email: str | None,
    expected: Sequence[str] | None = None,
) -> User:
    """Change username and/or email; 409 if another account has either, 412 on a stale tag.

    `expected`: the entity tags the caller last read (`If-Match`).
    """
    users = UserRepository(session)
    # The row is locked before the If-Match check: of two updates sent with the same ETag,
    # the second waits for the first to commit, then sees the new tag and gets 412.
    current = await users.lock(user.id)
    check_if_match(expected, UserOut.model_validate(current))
    if username is not None and await users.username_taken(username, exclude_id=user.id):
        raise ConflictError(MessageKey.USER_EXISTS)
    return await users.update(user.id, username=username, email=email)


async def change_password(
    session: AsyncSession,
    user: User,
    principal: Principal,
    *,
    current_password: str,
    new_password: str,
    services: AuthServices,
    client: ClientInfo,
) -> int:
    """Set a new password and end every other session; returns how many were ended.

    A wrong current password is a 422 naming `current_password` (not a 401: the token is
    fine, and clients treat a 401 as "sign in again"); it counts as a failed login, so a
    stolen access token cannot be used to guess the password.
    """
    await services.limiter.reserve(Realm.USER, client.ip, user.username)
    if not await services.hasher.verify(current_password, user.password_hash):
        raise ValidationError(
            MessageKey.AUTH_CURRENT_PASSWORD_WRONG,
            data=[
                {
                    "loc": ["body", "current_password"],
                    "msg": "the current password is wrong",
                    "type": "current_password_wrong",
                }
            ],
        )
    await services.limiter.release(Realm.USER, client.ip, user.username)
    password_hash = await services.hasher.hash(new_password)
    await UserRepository(session).update(user.id, password_hash=password_hash)
    # Committed before the revocation: a login that read the old hash meanwhile re-checks
    # the row after opening its session, or carries the generation bumped below.
    await commit_now(session)
    return await end_sessions(
        services, AuditEventType.PASSWORD_CHANGED, Realm.USER, user.id, client, keep=principal.sid
    )


async def list_users(session: AsyncSession, query: PageQuery) -> PageOut[UserOut]:
    """One page of users in id order, with the total count."""
    page = await UserRepository(session).list(offset=query.offset, limit=query.limit)
    return page_out(page, UserOut.model_validate)


async def set_user_banned(
    session: AsyncSession,
    user_id: int,
    banned: bool,
    *,
    admin: Principal,
    services: AuthServices,
    client: ClientInfo,
) -> User:
    """Ban (marks the account, ends all its sessions at once) or unban; 404 if unknown."""
    user = await UserRepository(session).set_banned(user_id, banned)
    # Committed before the revocation, so no session can be opened after it on a stale read.
    await commit_now(session)
    ended = await services.tokens.logout_all(Realm.USER, user.id) if banned else 0
    await services.audit.record(
        AuditEventType.USER_BANNED if banned else AuditEventType.USER_UNBANNED,
        Realm.ADMIN,
        actor=admin.account_id,
        ip=client.ip,
        details={"user_id": user.id, "sessions_ended": ended},
    )
    return user
