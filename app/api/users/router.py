"""`/api/v1/users/me`: the signed-in user's own account."""

from fastapi import APIRouter, Request, Response

from app.api.users import service
from app.api.users.repository import UserRepository
from app.api.users.schema import PasswordChange, ProfileUpdate, UserOut
from app.core.caching import PRIVATE_REVALIDATE
from app.core.conditional import check_if_match, if_match, tag_response
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
    # The row is locked before the If-Match check: of two updates sent with the same ETag,
    # the second waits for the first to commit, then sees the new tag and gets 412.
    users = UserRepository(session)
    current = await users.lock(user.id)
    check_if_match(if_match(request), UserOut.model_validate(current))
    updated = await service.update_profile(users, current, username=body.username, email=body.email)
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
        UserRepository(session),
        user,
        principal,
        current_password=body.current_password,
        new_password=body.new_password,
        services=services,
        client=client,
    )
    return success(None, lang, message=MessageKey.AUTH_PASSWORD_CHANGED)
