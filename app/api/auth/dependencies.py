"""The auth services of a running app, and the bearer schemes; `app/depends.py` aliases them.

Who may call what is declared and enforced in `app/api/auth/access.py`.
"""

from fastapi import FastAPI, Request
from fastapi.security import OAuth2PasswordBearer

from app.api.audit.repository import AuditRepository
from app.api.auth.accounts import AccountCheck
from app.api.auth.audit import AuditTrail
from app.api.auth.ratelimit import LoginLimiter
from app.api.auth.service import AuthServices
from app.api.auth.sessions import ClientInfo, SessionStore
from app.api.auth.tokens import TokenService
from app.api.paths import api_path
from app.core.security.keys import KeySet
from app.core.security.passwords import PasswordHasher
from app.core.security.tokens import PAYLOAD, Realm, unverified_segment
from app.resources import resources_of, settings_of

# Where Swagger's "Authorize" button posts the OAuth2 password form (routes come later).
USER_TOKEN_URL = api_path("/auth/login/form")
ADMIN_TOKEN_URL = api_path("/admin/auth/login/form")

# auto_error off: a missing token must become our 401 envelope, not FastAPI's own error.
user_bearer = OAuth2PasswordBearer(
    tokenUrl=USER_TOKEN_URL, scheme_name="UserBearer", auto_error=False
)
admin_bearer = OAuth2PasswordBearer(
    tokenUrl=ADMIN_TOKEN_URL, scheme_name="AdminBearer", auto_error=False
)


async def get_key_set(request: Request) -> KeySet:
    """The key set loaded in the lifespan."""
    return resources_of(request).auth.jwt_keys


async def get_password_hasher(request: Request) -> PasswordHasher:
    """The password hasher built in the lifespan."""
    return resources_of(request).auth.password_hasher


async def get_login_limiter(request: Request) -> LoginLimiter:
    """The login brute-force limiter built in the lifespan."""
    return resources_of(request).auth.login_limiter


def token_service(app: FastAPI) -> TokenService:
    """Token life cycle over the app's codec and its Redis (two small objects, no I/O)."""
    resources, settings = resources_of(app), settings_of(app)
    redis = resources.backends.redis
    sessions = SessionStore(
        redis.client,
        redis.key(settings.auth.session_key_prefix),
        settings.auth.refresh_token_ttl_seconds,
        scripting=redis.scripting,
    )
    return TokenService(
        resources.auth.token_codec, sessions, settings.auth.max_sessions_per_account
    )


def account_check(app: FastAPI) -> AccountCheck:
    """The account-row check over the app's two account databases (no I/O)."""
    backends = resources_of(app).backends
    return AccountCheck(backends.postgres, backends.admins)


def auth_services(app: FastAPI) -> AuthServices:
    """Everything the auth services need from a running app (GraphQL's context calls it too)."""
    resources = resources_of(app)
    return AuthServices(
        tokens=token_service(app),
        hasher=resources.auth.password_hasher,
        limiter=resources.auth.login_limiter,
        audit=AuditTrail(AuditRepository(resources.backends.mongo.db), resources.audit_breaker),
        accounts=account_check(app),
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
