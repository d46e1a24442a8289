"""The per-request GraphQL context, built from the same dependencies as the REST routes."""

import asyncio
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from fastapi import Request
from fastapi.security.utils import get_authorization_scheme_param
from pymongo.asynchronous.database import AsyncDatabase
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader
from strawberry.fastapi import BaseContext

from app.api.auth.dependencies import claimed_realm
from app.api.auth.principal import Principal
from app.api.auth.tokens import TokenService
from app.core.errors import AuthError
from app.core.i18n import MessageKey
from app.core.middleware import request_id_of
from app.core.security.tokens import Realm
from app.database.redis import RedisStore
from app.depends import (
    AdminSession,
    AppSettingsDep,
    Lang,
    MongoDB,
    PostgresSession,
    Redis,
    Tokens,
)
from app.settings import Settings

KeyT = TypeVar("KeyT", bound=Hashable)
ValueT = TypeVar("ValueT")


@dataclass
class GraphQLContext(BaseContext):
    """What every resolver reads as `info.context`: settings, language, backends, caller."""

    settings: Settings
    language: str
    request_id: str
    tokens: TokenService
    bearer_token: str | None
    postgres: AsyncSession
    admins: AsyncSession
    mongo: AsyncDatabase[dict[str, Any]]
    redis: RedisStore
    # One verification per realm per request, however many fields ask for the caller.
    _principals: dict[Realm, Principal] = field(default_factory=dict)
    # Query fields resolve concurrently, but one AsyncSession runs one statement at a time:
    # a resolver reading PostgreSQL holds this while it does.
    postgres_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # One DataLoader per factory per request: batches and caches never outlive the request.
    _loaders: dict[object, DataLoader[Any, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        BaseContext.__init__(self)

    async def principal(self, realm: Realm) -> Principal | None:
        """The caller in `realm`, or None without a token; a token REST would refuse is a 401."""
        if self.bearer_token is None:
            return None
        if realm not in self._principals:
            self._principals[realm] = await self.tokens.authenticate(self.bearer_token, realm)
        return self._principals[realm]

    async def require_principal(self, realm: Realm) -> Principal:
        """The caller in `realm`; `AuthError` without a token, exactly as the REST dependency."""
        principal = await self.principal(realm)
        if principal is None:
            raise AuthError(MessageKey.AUTH_TOKEN_MISSING)
        return principal

    async def require_actor(self) -> Principal:
        """The caller with a token of either realm, as REST's `current_actor`; else a 401."""
        if self.bearer_token is None:
            raise AuthError(MessageKey.AUTH_TOKEN_MISSING)
        return await self.require_principal(claimed_realm(self.bearer_token))

    def loader(
        self, factory: "Callable[[GraphQLContext], DataLoader[KeyT, ValueT]]"
    ) -> DataLoader[KeyT, ValueT]:
        """The request's loader made by `factory` (made on first use)."""
        if factory not in self._loaders:
            self._loaders[factory] = factory(self)
        return self._loaders[factory]

    async def rollback(self) -> None:
        """Undo the request's SQL writes: a response carrying errors changes nothing there."""
        await self.postgres.rollback()
        await self.admins.rollback()


def bearer_token_of(request: Request) -> str | None:
    """The bearer token, parsed as REST's `OAuth2PasswordBearer` parses it (None if absent)."""
    # Not `Depends(user_bearer)`: that would mark /graphql as secured in OpenAPI, yet its
    # public fields need no token. Both realms send it; the field's realm decides the check.
    scheme, token = get_authorization_scheme_param(request.headers.get("Authorization"))
    return token if scheme.lower() == "bearer" and token else None


async def graphql_context(
    request: Request,
    settings: AppSettingsDep,
    language: Lang,
    tokens: Tokens,
    postgres: PostgresSession,
    admins: AdminSession,
    mongo: MongoDB,
    redis: Redis,
) -> GraphQLContext:
    """The context for one GraphQL request; authenticates lazily, so public fields need no token."""
    return GraphQLContext(
        settings=settings,
        language=language,
        request_id=request_id_of(request.scope),
        tokens=tokens,
        bearer_token=bearer_token_of(request),
        postgres=postgres,
        admins=admins,
        mongo=mongo,
        redis=redis,
    )
