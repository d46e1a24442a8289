"""`/api/v1/auth`: register, log in, refresh, log out, and the caller's sessions."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

from app.api.auth import service
from app.api.auth.access import USER
from app.api.auth.realm_routes import SIGNED_IN_ERRORS, RealmRoutes, add_realm_routes
from app.api.auth.schema import (
    RegisterRequest,
    SessionOut,
)
from app.api.pagination import PageOut, PageQuery, page_out
from app.api.paths import api_path
from app.api.users.repository import UserRepository
from app.api.users.schema import UserOut
from app.core.envelope import Envelope, created, error_responses, success
from app.core.errors import ErrorType
from app.core.i18n import MessageKey
from app.core.openapi_rules import NUL_FREE_PATTERN
from app.core.routing import EnvelopeRoute
from app.core.security.tokens import Realm
from app.database.page import Page
from app.depends import (
    AnonymousIdempotency,
    AuthKit,
    Client,
    CurrentUserPrincipal,
    Lang,
    PostgresSession,
    Tokens,
    users_database,
)

router = APIRouter(prefix="/auth", tags=["auth"], route_class=EnvelopeRoute)

ACCOUNT_PATH = api_path("/users/me")


@router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(ErrorType.CONFLICT, ErrorType.SERVICE_UNAVAILABLE),
)
async def register(
    body: RegisterRequest,
    idempotency: AnonymousIdempotency,
    session: PostgresSession,
    services: AuthKit,
    lang: Lang,
    response: Response,
) -> Envelope[UserOut]:
    """Create a user account (409 if the username, in any case, or the email is taken)."""
    user = await service.register_user(
        session,
        services.hasher,
        username=body.username,
        email=body.email,
        password=body.password,
    )
    # A store may hand out a deleted account's id again (SQLite reuses the highest rowid):
    # whatever sessions that account left in Redis must not open the new one.
    await services.tokens.logout_all(Realm.USER, user.id)
    # The account's own address: readable there once the new user signs in.
    account = UserOut.model_validate(user)
    return created(account, lang, response, ACCOUNT_PATH, message=MessageKey.AUTH_REGISTERED)


add_realm_routes(
    router,
    "",
    RealmRoutes(
        realm=Realm.USER,
        database=users_database,
        accounts=UserRepository,
        logout_policy=USER,
        login_doc="Sign in with a JSON body; the tokens are in `data`.",
        login_form_doc=(
            "Sign in with the OAuth2 password form; the tokens are in `data`, as for `/login`."
        ),
        refresh_doc=(
            "Spend a refresh token for a new pair; a spent one ends its whole session (401)."
        ),
        logout_doc=(
            "End this session: its access and refresh tokens stop working on the next request."
        ),
    ),
)


@router.post("/logout-all", responses=error_responses(*SIGNED_IN_ERRORS))
async def logout_all(
    principal: CurrentUserPrincipal, services: AuthKit, client: Client, lang: Lang
) -> Envelope[None]:
    """End every session of the account, this one included."""
    await service.logout_all(principal, services=services, client=client)
    return success(None, lang, message=MessageKey.AUTH_LOGGED_OUT_ALL)


@router.get("/sessions", responses=error_responses(*SIGNED_IN_ERRORS))
async def sessions(
    query: Annotated[PageQuery, Query()],
    principal: CurrentUserPrincipal,
    tokens: Tokens,
    lang: Lang,
) -> Envelope[PageOut[SessionOut]]:
    """The account's live sessions, oldest first, a page at a time; `current` marks this one."""
    found = await service.list_sessions(principal, tokens)
    # One account's sessions are few (a small set in Redis): the page is cut here.
    window = found[query.offset : query.offset + query.limit]
    page = Page(items=window, total=len(found), offset=query.offset, limit=query.limit)
    return success(page_out(page, lambda item: SessionOut.of(item, principal.sid)), lang)


@router.delete("/sessions/{sid}", responses=error_responses(*SIGNED_IN_ERRORS, ErrorType.NOT_FOUND))
async def revoke_session(
    sid: Annotated[str, Path(min_length=1, max_length=64, pattern=NUL_FREE_PATTERN)],
    principal: CurrentUserPrincipal,
    services: AuthKit,
    client: Client,
    lang: Lang,
) -> Envelope[None]:
    """End one of the account's sessions (404 if it is not one of them)."""
    await service.revoke_session(principal, sid, services=services, client=client)
    return success(None, lang, message=MessageKey.AUTH_SESSION_REVOKED)
