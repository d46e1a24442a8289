"""`/api/v1/users/me`: the signed-in user's own account."""

from fastapi import APIRouter, Request, Response

from app.api.users import service
from app.api.users.schema import PasswordChange, ProfileUpdate, UserOut
from app.core.caching import PRIVATE_REVALIDATE
from app.core.conditional import if_match, tag_response
from app.core.envelope import Envelope, error_responses, success
from app.core.errors import ErrorType
from app.core.i18n import MessageKey
from app.core.routing import EnvelopeRoute
from app.depends import AuthKit, Client, CurrentUser, CurrentUserPrincipal, Lang, PostgresSession

router = APIRouter(prefix="/users", tags=["users"], route_class=EnvelopeRoute)

ACCOUNT_ERRORS = (ErrorType.UNAUTHORIZED, ErrorType.FORBIDDEN, ErrorType.SERVICE_UNAVAILABLE)


@router.get("/me", responses=error_responses(*ACCOUNT_ERRORS))
async def me(
    user: CurrentUser, lang: Lang, request: Request, response: Response
) -> Envelope[UserOut]:
    """The caller's account, with its `ETag` (`If-None-Match` answers 304 when unchanged)."""
    account = UserOut.model_validate(user)
    tag_response(request, response, account, PRIVATE_REVALIDATE)
    return success(account, lang)


@router.patch(
    "/me",
    responses=error_responses(*ACCOUNT_ERRORS, ErrorType.CONFLICT, ErrorType.PRECONDITION_FAILED),
)
async def update_me(
    body: ProfileUpdate, user: CurrentUser, session: PostgresSession, lang: Lang, request: Request
) -> Envelope[UserOut]:
    """Change the caller's username and/or email (409 if taken, 412 on a stale If-Match)."""
    updated = await service.update_profile(
        session, user, username=body.username, email=body.email, expected=if_match(request)
    )
    return success(UserOut.model_validate(updated), lang)


@router.post("/me/password", responses=error_responses(*ACCOUNT_ERRORS, ErrorType.RATE_LIMITED))
async def change_password(
    body: PasswordChange,
    user: CurrentUser,
    principal: CurrentUserPrincipal,
    session: PostgresSession,
    services: AuthKit,
    client: Client,
    lang: Lang,
) -> Envelope[None]:
    """Change the password (422 if `current_password` is wrong); ends every other session."""
    await service.change_password(
        session,
        user,
        principal,
        current_password=body.current_password,
        new_password=body.new_password,
        services=services,
        client=client,
    )
    return success(None, lang, message=MessageKey.AUTH_PASSWORD_CHANGED)
