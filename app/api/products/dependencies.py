"""The caller of the product write routes: a signed-in user or an administrator.

`app/api/auth/dependencies.py` authenticates one realm per route; changing a product is
open to both realms (its owner, or any administrator), so this dependency accepts a token
of either and leaves the permission rule to the service.
"""

from typing import Annotated

import jwt
from fastapi import Depends

from app.api.auth.dependencies import admin_bearer, get_token_service, user_bearer
from app.api.auth.principal import Principal
from app.api.auth.tokens import TokenService
from app.core.errors import AuthError
from app.core.i18n import MessageKey
from app.core.security.tokens import Realm


def _claimed_realm(token: str) -> Realm:
    # Unverified on purpose and only to choose which realm to verify against:
    # `authenticate` then checks the signature, every claim and the session, and refuses
    # a token whose realm is not the one chosen. Lying here gains a forger nothing, and an
    # admin token costs one signature check instead of a failed user check plus one.
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return Realm.USER  # unreadable: let the real check report it
    return Realm.ADMIN if claims.get("realm") == Realm.ADMIN.value else Realm.USER


async def current_actor(
    user_token: Annotated[str | None, Depends(user_bearer)],
    admin_token: Annotated[str | None, Depends(admin_bearer)],
    service: Annotated[TokenService, Depends(get_token_service)],
) -> Principal:
    """The caller holding a valid access token of either realm with a live session."""
    # Both schemes read the same `Authorization` header; declaring both documents in
    # OpenAPI that either kind of token is accepted.
    token = user_token or admin_token
    if not token:
        raise AuthError(MessageKey.AUTH_TOKEN_MISSING)
    return await service.authenticate(token, _claimed_realm(token))
