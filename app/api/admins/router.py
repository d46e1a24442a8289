"""`/admin`: administrator sign-in (`router`) and the user-management actions (`users_router`)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from app.api.admins.repository import AdminRepository
from app.api.auth.access import ADMIN, ANY_ADMIN, requires
from app.api.auth.realm_routes import SIGNED_IN_ERRORS, RealmRoutes, add_realm_routes
from app.api.pagination import PageOut, PageQuery
from app.api.users import service as user_service
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
        accounts=AdminRepository,
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


# Every user-management route is for administrators with the admin role: the guard is this
# router's (one policy for all its routes); a handler names the principal only to use it.
users_router = APIRouter(
    prefix="/admin/users",
    tags=["admin"],
    dependencies=[Depends(requires(ADMIN))],
    route_class=EnvelopeRoute,
)


@users_router.get("", responses=error_responses(*ADMIN_ERRORS))
async def list_users(
    query: Annotated[PageQuery, Query()], session: PostgresSession, lang: Lang
) -> Envelope[PageOut[UserOut]]:
    """One page of users in id order, with the total count."""
    return success(await user_service.list_users(session, query), lang)


def _ban_route(path: str, banned: bool, message: MessageKey, doc: str) -> None:
    # Ban and unban differ only in the flag they set, the message they answer with and
    # their description (the docstring, as OpenAPI shows it).
    async def set_banned(
        user_id: UserId,
        principal: AdminRolePrincipal,
        session: PostgresSession,
        services: AuthKit,
        client: Client,
        lang: Lang,
    ) -> Envelope[UserOut]:
        user = await user_service.set_user_banned(
            session, user_id, banned, admin=principal, services=services, client=client
        )
        return success(UserOut.model_validate(user), lang, message=message)

    set_banned.__doc__ = doc
    name = path.rsplit("/", 1)[-1]
    responses = error_responses(*ADMIN_ERRORS, ErrorType.NOT_FOUND)
    users_router.post(path, name=name, responses=responses)(set_banned)


_ban_route(
    "/{user_id}/ban",
    True,
    MessageKey.USER_BANNED,
    "Ban a user: the account is marked and all its sessions end at once (404 if unknown).",
)
_ban_route(
    "/{user_id}/unban",
    False,
    MessageKey.USER_UNBANNED,
    "Lift a user's ban (404 if unknown); they sign in again themselves.",
)
