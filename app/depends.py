"""Every dependency as one `Annotated` alias; handlers name these, never `Depends(...)`."""

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Form, Request, Response
from pymongo.asynchronous.database import AsyncDatabase
from sqlalchemy.ext.asyncio import AsyncSession

from app.api.auth.access import ADMIN, ANY_ADMIN, OWNER_OR_ADMIN, USER, admitted_account, requires
from app.api.auth.dependencies import (
    client_info,
    get_auth_services,
    get_key_set,
    get_login_limiter,
    get_password_hasher,
    get_token_service,
)
from app.api.auth.principal import Principal
from app.api.auth.ratelimit import LoginLimiter
from app.api.auth.schema import PasswordLoginForm
from app.api.auth.service import AuthServices
from app.api.auth.sessions import ClientInfo
from app.api.auth.tokens import TokenService
from app.api.idempotency import IdempotencyKey, anonymous_scope, claim_key, principal_scope
from app.api.users.service import load_active_user
from app.core.envelope import request_language
from app.core.security.keys import KeySet
from app.core.security.passwords import PasswordHasher
from app.core.security.tokens import Realm
from app.database.backends import Backends
from app.database.redis import RedisStore
from app.database.session import unit_of_work
from app.database.sql import SQLDatabase
from app.models.postgres.users import User
from app.resources import resources_of, settings_of
from app.settings import Settings

# Dependencies are `async def` even when they do not await (here and in their modules):
# FastAPI runs a plain `def` dependency in a worker thread, which costs more than the work
# itself on every request.


async def no_store(response: Response) -> None:
    """Mark the response `Cache-Control: no-store` (RFC 6749 §5.1: token responses)."""
    response.headers["Cache-Control"] = "no-store"


async def get_app_settings(request: Request) -> Settings:
    """The settings the running app was built with (not the process-wide default)."""
    return settings_of(request)


async def get_language(request: Request) -> str:
    """The language negotiated for this request."""
    return request_language(request)


async def postgres_session(request: Request) -> AsyncIterator[AsyncSession]:
    """The request's unit of work on the PostgreSQL role."""
    database = resources_of(request).backends.postgres
    async with unit_of_work(database) as session:
        yield session


async def admin_session(request: Request) -> AsyncIterator[AsyncSession]:
    """The request's unit of work on the admin accounts' database."""
    database = resources_of(request).backends.admins
    async with unit_of_work(database) as session:
        yield session


async def users_database(request: Request) -> SQLDatabase:
    """The users' database itself, for code that opens its own short sessions (login)."""
    return resources_of(request).backends.postgres


async def admins_database(request: Request) -> SQLDatabase:
    """The admin accounts' database itself, for code that opens its own short sessions."""
    return resources_of(request).backends.admins


async def mongo_database(request: Request) -> AsyncDatabase[dict[str, Any]]:
    """The app's MongoDB database."""
    return resources_of(request).backends.mongo.db


async def app_backends(request: Request) -> Backends:
    """Every backend client the running app holds."""
    return resources_of(request).backends


async def redis_store(request: Request) -> RedisStore:
    """The Redis client with the app's key prefix."""
    return resources_of(request).backends.redis


AppSettingsDep = Annotated[Settings, Depends(get_app_settings)]
# On routes that hand out tokens: no cache (shared or private) may keep the answer.
NoStore = Annotated[None, Depends(no_store)]
Lang = Annotated[str, Depends(get_language)]

# Auth: one alias per declared policy (app/api/auth/access.py); each checks the token, the
# live session, the account row (exists, active, not banned) and the role.
CurrentUserPrincipal = Annotated[Principal, Depends(requires(USER))]
# Any administrator, whatever the role: only for acting on their own session.
CurrentAdminPrincipal = Annotated[Principal, Depends(requires(ANY_ADMIN))]
# A user (the service then checks ownership) or an administrator with the admin role.
CurrentActor = Annotated[Principal, Depends(requires(OWNER_OR_ADMIN))]
Tokens = Annotated[TokenService, Depends(get_token_service)]
Passwords = Annotated[PasswordHasher, Depends(get_password_hasher)]
LoginLimit = Annotated[LoginLimiter, Depends(get_login_limiter)]
JwtKeys = Annotated[KeySet, Depends(get_key_set)]
Client = Annotated[ClientInfo, Depends(client_info)]
AuthKit = Annotated[AuthServices, Depends(get_auth_services)]
# The OAuth2 password form (RFC 6749 §4.3) Swagger's "Authorize" posts.
PasswordForm = Annotated[PasswordLoginForm, Form()]
# An admin-realm caller holding the admin role (403 otherwise); GraphQL uses the same policy.
AdminRolePrincipal = Annotated[Principal, Depends(requires(ADMIN))]

# Backends. scope="function": commit (or roll back) before the response is sent, so a client never
# sees success for a write that then fails to commit.
PostgresSession = Annotated[AsyncSession, Depends(postgres_session, scope="function")]
AdminSession = Annotated[AsyncSession, Depends(admin_session, scope="function")]
# The databases themselves: login reads in short sessions so bcrypt never holds a connection.
UsersDatabase = Annotated[SQLDatabase, Depends(users_database)]
AdminsDatabase = Annotated[SQLDatabase, Depends(admins_database)]
MongoDB = Annotated[AsyncDatabase[dict[str, Any]], Depends(mongo_database)]
Redis = Annotated[RedisStore, Depends(redis_store)]
AppBackends = Annotated[Backends, Depends(app_backends)]


async def user_idempotency(
    request: Request, principal: CurrentUserPrincipal, store: Redis, key: IdempotencyKey = None
) -> None:
    """Hold a signed-in user's `Idempotency-Key` (or replay its stored answer)."""
    await claim_key(request, key, store, principal_scope(principal))


async def admin_idempotency(
    request: Request, principal: AdminRolePrincipal, store: Redis, key: IdempotencyKey = None
) -> None:
    """Hold an administrator's `Idempotency-Key` (or replay its stored answer)."""
    await claim_key(request, key, store, principal_scope(principal))


async def anonymous_idempotency(request: Request, store: Redis, key: IdempotencyKey = None) -> None:
    """Hold a signed-out caller's `Idempotency-Key`, scoped to their address."""
    await claim_key(request, key, store, anonymous_scope(request))


# Creating POSTs take an optional `Idempotency-Key` (app/api/idempotency.py); name the one
# matching the route's caller, after its auth dependency so the key is scoped to them. Each
# names the same policy as the route it serves (one route, one policy).
UserIdempotency = Annotated[None, Depends(user_idempotency)]
AdminIdempotency = Annotated[None, Depends(admin_idempotency)]
AnonymousIdempotency = Annotated[None, Depends(anonymous_idempotency)]


async def current_user(principal: CurrentUserPrincipal, request: Request) -> User:
    """The caller's user row, refused (401/403) when gone, banned or inactive."""
    # The gate has just read and checked it (`admit_request`): not read twice per request.
    account = admitted_account(request, Realm.USER, principal.account_id)
    if isinstance(account, User):
        return account
    async with resources_of(request).backends.postgres.sessions() as session:
        return await load_active_user(session, principal.account_id)


# The account rows: read on every request (by the gate), so a ban or deactivation bites at once.
CurrentUser = Annotated[User, Depends(current_user)]
