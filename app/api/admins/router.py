"""`/api/v1/admin`: administrator sign-in and the user-management actions."""

from typing import Annotated

from fastapi import APIRouter, Path, Query

from app.api.admins.service import admin_finder
from app.api.auth.access import ANY_ADMIN
from app.api.auth.realm_routes import SIGNED_IN_ERRORS, RealmRoutes, add_realm_routes
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
    AuthKit,
    Client,
    CurrentAdmin,
    Lang,
    PostgresSession,
    admins_database,
)

router = APIRouter(prefix="/admin", tags=["admin"], route_class=EnvelopeRoute)

# Ids are 32-bit in every store; a larger one is a 422, not a driver overflow (a 500).
MAX_ID = 2**31 - 1
UserId = Annotated[int, Path(ge=1, le=MAX_ID)]

ADMIN_ERRORS = SIGNED_IN_ERRORS


add_realm_routes(
    router,
    "/auth",
    RealmRoutes(
        realm=Realm.ADMIN,
        database=admins_database,
        find_account=admin_finder,
        logout_policy=ANY_ADMIN,
        login_doc="Sign an administrator in with a JSON body; the tokens are in `data`.",
        login_form_doc=(
            "Sign an administrator in with the OAuth2 password form; the tokens are in `data`."
        ),
        refresh_doc=(
            "Spend an admin refresh token for a new pair; a spent one ends its session (401)."
        ),
        logout_doc="End this administrator session.",
    ),
)


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
