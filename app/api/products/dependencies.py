"""The caller of the product write routes: a signed-in user or an administrator.

`app/api/auth/dependencies.py` authenticates one realm per route; changing a product is
open to both realms (its owner, or any administrator), so this dependency accepts a token
of either and leaves the permission rule to the service.
"""

from typing import Annotated

from fastapi import Depends, Request

from app.api.auth.dependencies import admin_bearer, claimed_realm, token_service, user_bearer
from app.api.auth.principal import Principal
from app.core.errors import AuthError
from app.core.i18n import MessageKey


async def current_actor(
    user_token: Annotated[str | None, Depends(user_bearer)],
    admin_token: Annotated[str | None, Depends(admin_bearer)],
    request: Request,
) -> Principal:
    """The caller holding a valid access token of either realm with a live session."""
    # Both schemes read the same `Authorization` header; declaring both documents in
    # OpenAPI that either kind of token is accepted.
    token = user_token or admin_token
    if not token:
        raise AuthError(MessageKey.AUTH_TOKEN_MISSING)
    return await token_service(request.app).authenticate(token, claimed_realm(token))
