"""Dependencies that authenticate the caller; `app/depends.py` exposes them as aliases.

A route that needs the account itself (not just its id) depends on `CurrentUser` or
`CurrentAdmin` (`app/depends.py`), which load the row and refuse banned or inactive
accounts on top of the token and session checks here.
"""

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.security import OAuth2PasswordBearer

from app.api.audit.repository import AuditRepository
from app.api.auth.audit import AuditTrail
from app.api.auth.principal import Principal
from app.api.auth.ratelimit import LoginLimiter
from app.api.auth.service import AuthServices
from app.api.auth.sessions import ClientInfo, SessionStore
from app.api.auth.tokens import TokenService
from app.core.errors import AuthError, ForbiddenError
from app.core.i18n import MessageKey
from app.core.security.keys import KeySet
from app.core.security.passwords import PasswordHasher
from app.core.security.tokens import PAYLOAD, Realm, unverified_segment
from app.settings import Settings

# Where Swagger's "Authorize" button posts the OAuth2 password form (routes come later).
USER_TOKEN_URL = "/api/v1/auth/login/form"  # noqa: S105 - a path, not a secret
ADMIN_TOKEN_URL = "/api/v1/admin/auth/login/form"  # noqa: S105 - a path

# auto_error off: a missing token must become our 401 envelope, not FastAPI's own error.
user_bearer = OAuth2PasswordBearer(
    tokenUrl=USER_TOKEN_URL, scheme_name="UserBearer", auto_error=False
)
admin_bearer = OAuth2PasswordBearer(
    tokenUrl=ADMIN_TOKEN_URL, scheme_name="AdminBearer", auto_error=False
)


async def get_key_set(request: Request) -> KeySet:
    """The key set loaded in the lifespan."""
    keys: KeySet = request.app.state.jwt_keys
    return keys


async def get_password_hasher(request: Request) -> PasswordHasher:
    """The password hasher built in the lifespan."""
    hasher: PasswordHasher = request.app.state.password_hasher
    return hasher


async def get_login_limiter(request: Request) -> LoginLimiter:
    """The login brute-force limiter built in the lifespan."""
    limiter: LoginLimiter = request.app.state.login_limiter
    return limiter


def token_service(app: FastAPI) -> TokenService:
    """Token life cycle over the app's codec and its Redis (two small objects, no I/O)."""
    state = app.state
    settings: Settings = state.settings
    sessions = SessionStore(
        state.redis.client,
        state.redis.key(settings.auth.session_key_prefix),
        settings.auth.refresh_token_ttl_seconds,
    )
    return TokenService(state.token_codec, sessions)


def auth_services(app: FastAPI) -> AuthServices:
    """Everything the auth services need from a running app (GraphQL's context calls it too)."""
    state = app.state
    return AuthServices(
        tokens=token_service(app),
        hasher=state.password_hasher,
        limiter=state.login_limiter,
        audit=AuditTrail(AuditRepository(state.mongo.db), state.audit_breaker),
    )


async def get_token_service(request: Request) -> TokenService:
    """The token service of the running app."""
    return token_service(request.app)


async def get_auth_services(request: Request) -> AuthServices:
    """The auth services of the running app."""
    return auth_services(request.app)


async def client_info(request: Request) -> ClientInfo:
    """The caller's user agent and address, as recorded on a new session."""
    address = request.client.host if request.client else ""
    return ClientInfo(user_agent=request.headers.get("user-agent", ""), ip=address)


def claimed_realm(token: str) -> Realm:
    """The realm a token says it belongs to (unverified), for routes open to both realms."""
    # Unverified on purpose and only to choose which realm to verify against:
    # `authenticate` then checks the signature, every claim and the session, and refuses
    # a token whose realm is not the one chosen. Lying here gains a forger nothing, and an
    # admin token costs one signature check instead of a failed user check plus one.
    try:
        claims = unverified_segment(token, PAYLOAD)
    except (ValueError, RecursionError):  # base64 and JSON errors are ValueErrors
        return Realm.USER  # unreadable: let the real check report it
    return Realm.ADMIN if claims.get("realm") == Realm.ADMIN.value else Realm.USER


async def _principal(token: str | None, realm: Realm, service: TokenService) -> Principal:
    if not token:
        raise AuthError(MessageKey.AUTH_TOKEN_MISSING)
    return await service.authenticate(token, realm)


# These take the request rather than `Depends(get_token_service)`: every sub-dependency
# costs FastAPI a resolution pass (~70 Python calls), on every authenticated request.


async def current_user_principal(
    token: Annotated[str | None, Depends(user_bearer)], request: Request
) -> Principal:
    """The caller, holding a valid user-realm access token with a live session."""
    return await _principal(token, Realm.USER, token_service(request.app))


async def current_admin_principal(
    token: Annotated[str | None, Depends(admin_bearer)], request: Request
) -> Principal:
    """The caller, holding a valid admin-realm access token with a live session."""
    return await _principal(token, Realm.ADMIN, token_service(request.app))


PRINCIPAL_DEPENDENCIES: dict[Realm, Callable[..., Awaitable[Principal]]] = {
    Realm.USER: current_user_principal,
    Realm.ADMIN: current_admin_principal,
}


def require_role(realm: Realm, *roles: str) -> Callable[..., Awaitable[Principal]]:
    """A dependency admitting callers of `realm` whose role is one of `roles` (else 403)."""
    allowed = frozenset(roles)

    async def dependency(
        principal: Annotated[Principal, Depends(PRINCIPAL_DEPENDENCIES[realm])],
    ) -> Principal:
        if principal.role not in allowed:
            raise ForbiddenError(MessageKey.AUTH_ROLE_FORBIDDEN)
        return principal

    return dependency
