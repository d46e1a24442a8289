"""Every dependency as one `Annotated` alias; handlers name these, never `Depends(...)`."""

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Request
from pymongo.asynchronous.database import AsyncDatabase
from sqlalchemy.ext.asyncio import AsyncSession

from app.api.auth.dependencies import (
    client_info,
    current_admin_principal,
    current_user_principal,
    get_key_set,
    get_login_limiter,
    get_password_hasher,
    get_token_service,
)
from app.api.auth.principal import Principal
from app.api.auth.ratelimit import LoginLimiter
from app.api.auth.sessions import ClientInfo
from app.api.auth.tokens import TokenService
from app.api.products.dependencies import current_actor
from app.core.envelope import request_language
from app.core.security.keys import KeySet
from app.core.security.passwords import PasswordHasher
from app.database.redis import RedisStore
from app.database.session import unit_of_work
from app.database.sql import SQLDatabase
from app.settings import Settings

# Dependencies are `async def` even when they do not await (here and in their modules):
# FastAPI runs a plain `def` dependency in a worker thread, which costs more than the work
# itself on every request.


async def get_app_settings(request: Request) -> Settings:
    """The settings the running app was built with (not the process-wide default)."""
    settings: Settings = request.app.state.settings
    return settings


async def get_language(request: Request) -> str:
    """The language negotiated for this request."""
    return request_language(request)


async def postgres_session(request: Request) -> AsyncIterator[AsyncSession]:
    """The request's unit of work on the PostgreSQL role."""
    database: SQLDatabase = request.app.state.postgres
    async with unit_of_work(database) as session:
        yield session


async def mysql_session(request: Request) -> AsyncIterator[AsyncSession]:
    """The request's unit of work on the MySQL role."""
    database: SQLDatabase = request.app.state.mysql
    async with unit_of_work(database) as session:
        yield session


async def mongo_database(request: Request) -> AsyncDatabase[dict[str, Any]]:
    """The app's MongoDB database."""
    database: AsyncDatabase[dict[str, Any]] = request.app.state.mongo.db
    return database


async def redis_store(request: Request) -> RedisStore:
    """The Redis client with the app's key prefix."""
    store: RedisStore = request.app.state.redis
    return store


AppSettingsDep = Annotated[Settings, Depends(get_app_settings)]
Lang = Annotated[str, Depends(get_language)]

# Auth: the caller of each realm, and the services the auth routes use.
CurrentUserPrincipal = Annotated[Principal, Depends(current_user_principal)]
CurrentAdminPrincipal = Annotated[Principal, Depends(current_admin_principal)]
# Either realm: routes open to a resource's owner (a user) and to administrators.
CurrentActor = Annotated[Principal, Depends(current_actor)]
Tokens = Annotated[TokenService, Depends(get_token_service)]
Passwords = Annotated[PasswordHasher, Depends(get_password_hasher)]
LoginLimit = Annotated[LoginLimiter, Depends(get_login_limiter)]
JwtKeys = Annotated[KeySet, Depends(get_key_set)]
Client = Annotated[ClientInfo, Depends(client_info)]

# Backends. scope="function": commit (or roll back) before the response is sent, so a client never
# sees success for a write that then fails to commit.
PostgresSession = Annotated[AsyncSession, Depends(postgres_session, scope="function")]
MySQLSession = Annotated[AsyncSession, Depends(mysql_session, scope="function")]
MongoDB = Annotated[AsyncDatabase[dict[str, Any]], Depends(mongo_database)]
Redis = Annotated[RedisStore, Depends(redis_store)]
