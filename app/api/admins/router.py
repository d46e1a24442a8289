"""`/api/v1/admin`: administrator sign-in and the user-management actions."""

from typing import Annotated

from fastapi import APIRouter, Path, Query

from app.api.admins.service import admin_finder
from app.api.auth import service as auth_service
from app.api.auth.schema import LoginRequest, RefreshRequest, TokenPairOut
from app.api.pagination import PageOut, PageQuery, page_out
from app.api.users import service as user_service
from app.api.users.repository import UserRepository
from app.api.users.schema import UserOut
from app.core.envelope import Envelope, error_responses, success
from app.core.errors import ErrorType
from app.core.i18n import MessageKey
from app.core.routing import EnvelopeRoute
from app.core.security.tokens import Realm
from app.depends import (
    AdminRolePrincipal,
    AdminsDatabase,
    AuthKit,
    Client,
    CurrentAdmin,
    CurrentAdminPrincipal,
    Lang,
    NoStore,
    PasswordForm,
    PostgresSession,
)

router = APIRouter(prefix="/admin", tags=["admin"], route_class=EnvelopeRoute)

# Ids are 32-bit in every store; a larger one is a 422, not a driver overflow (a 500).
MAX_ID = 2**31 - 1
UserId = Annotated[int, Path(ge=1, le=MAX_ID)]

LOGIN_ERRORS = (
    ErrorType.UNAUTHORIZED,
    ErrorType.FORBIDDEN,
    ErrorType.RATE_LIMITED,
    ErrorType.SERVICE_UNAVAILABLE,
)
ADMIN_ERRORS = (ErrorType.UNAUTHORIZED, ErrorType.FORBIDDEN, ErrorType.SERVICE_UNAVAILABLE)


async def _login(
    username: str, password: str, admins: AdminsDatabase, services: AuthKit, client: Client
) -> TokenPairOut:
    pair = await auth_service.login(
        Realm.ADMIN,
        username,
        password,
        find_account=admin_finder(admins),
        services=services,
        client=client,
    )
    return TokenPairOut.model_validate(pair)


@router.post("/auth/login", responses=error_responses(*LOGIN_ERRORS))
async def login(
    body: LoginRequest,
    admins: AdminsDatabase,
    services: AuthKit,
    client: Client,
    lang: Lang,
    _: NoStore,
) -> Envelope[TokenPairOut]:
    """Sign an administrator in with a JSON body; the tokens are in `data`."""
    pair = await _login(body.username, body.password, admins, services, client)
    return success(pair, lang, message=MessageKey.AUTH_LOGGED_IN)


@router.post("/auth/login/form", responses=error_responses(*LOGIN_ERRORS))
async def login_form(
    form: PasswordForm,
    admins: AdminsDatabase,
    services: AuthKit,
    client: Client,
    lang: Lang,
    _: NoStore,
) -> Envelope[TokenPairOut]:
    """Sign an administrator in with the OAuth2 password form; the tokens are in `data`."""
    pair = await _login(form.username, form.password, admins, services, client)
    return success(pair, lang, message=MessageKey.AUTH_LOGGED_IN)


@router.post(
    "/auth/refresh",
    responses=error_responses(*ADMIN_ERRORS),
)
async def refresh(
    body: RefreshRequest, services: AuthKit, client: Client, lang: Lang, _: NoStore
) -> Envelope[TokenPairOut]:
    """Spend an admin refresh token for a new pair; a spent one ends its session (401)."""
    pair = await auth_service.refresh(
        Realm.ADMIN, body.refresh_token, services=services, client=client
    )
    return success(TokenPairOut.model_validate(pair), lang)


@router.post(
    "/auth/logout",
    responses=error_responses(*ADMIN_ERRORS),
)
async def logout(
    principal: CurrentAdminPrincipal, services: AuthKit, client: Client, lang: Lang
) -> Envelope[None]:
    """End this administrator session."""
    await auth_service.logout(principal, services=services, client=client)
    return success(None, lang, message=MessageKey.AUTH_LOGGED_OUT)


@router.get("/users", responses=error_responses(*ADMIN_ERRORS))
async def list_users(
    query: Annotated[PageQuery, Query()],
    admin: CurrentAdmin,
    session: PostgresSession,
    lang: Lang,
) -> Envelope[PageOut[UserOut]]:
    """One page of users in id order, with the total count."""
    found = await user_service.list_users(UserRepository(session), query)
    return success(page_out(found, UserOut.model_validate), lang)


async def _set_banned(
    user_id: int,
    banned: bool,
    principal: AdminRolePrincipal,
    session: PostgresSession,
    services: AuthKit,
    client: Client,
) -> UserOut:
    user = await user_service.set_user_banned(
        UserRepository(session),
        user_id,
        banned,
        admin=principal,
        services=services,
        client=client,
    )
    return UserOut.model_validate(user)


@router.post("/users/{user_id}/ban", responses=error_responses(*ADMIN_ERRORS, ErrorType.NOT_FOUND))
async def ban(
    user_id: UserId,
    admin: CurrentAdmin,
    principal: AdminRolePrincipal,
    session: PostgresSession,
    services: AuthKit,
    client: Client,
    lang: Lang,
) -> Envelope[UserOut]:
    """Ban a user: the account is marked and all its sessions end at once (404 if unknown)."""
    user = await _set_banned(user_id, True, principal, session, services, client)
    return success(user, lang, message=MessageKey.USER_BANNED)


@router.post(
    "/users/{user_id}/unban", responses=error_responses(*ADMIN_ERRORS, ErrorType.NOT_FOUND)
)
async def unban(
    user_id: UserId,
    admin: CurrentAdmin,
    principal: AdminRolePrincipal,
    session: PostgresSession,
    services: AuthKit,
    client: Client,
    lang: Lang,
) -> Envelope[UserOut]:
    """Lift a user's ban (404 if unknown); they sign in again themselves."""
    user = await _set_banned(user_id, False, principal, session, services, client)
    return success(user, lang, message=MessageKey.USER_UNBANNED)
