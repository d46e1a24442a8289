"""The per-request GraphQL context, built from the same dependencies as the REST routes."""

from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request
from pymongo.asynchronous.database import AsyncDatabase
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.fastapi import BaseContext

from app.api.auth.dependencies import user_bearer
from app.api.auth.principal import Principal
from app.api.auth.tokens import TokenService
from app.core.errors import AuthError
from app.core.i18n import MessageKey
from app.core.middleware import request_id_of
from app.core.security.tokens import Realm
from app.database.redis import RedisStore
from app.depends import AppSettingsDep, Lang, MongoDB, MySQLSession, PostgresSession, Redis, Tokens
from app.settings import Settings


@dataclass
class GraphQLContext(BaseContext):
    """What every resolver reads as `info.context`: settings, language, backends, caller."""

    settings: Settings
    language: str
    request_id: str
    tokens: TokenService
    bearer_token: str | None
    postgres: AsyncSession
    mysql: AsyncSession
    mongo: AsyncDatabase[dict[str, Any]]
    redis: RedisStore
    # One verification per realm per request, however many fields ask for the caller.
    _principals: dict[Realm, Principal] = field(default_factory=dict)

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

    async def rollback(self) -> None:
        """Undo the request's SQL writes: a response carrying errors changes nothing there."""
        await self.postgres.rollback()
        await self.mysql.rollback()


async def graphql_context(
    request: Request,
    settings: AppSettingsDep,
    language: Lang,
    tokens: Tokens,
    bearer_token: Annotated[str | None, Depends(user_bearer)],
    postgres: PostgresSession,
    mysql: MySQLSession,
    mongo: MongoDB,
    redis: Redis,
) -> GraphQLContext:
    """The context for one GraphQL request; authenticates lazily, so public fields need no token."""
    return GraphQLContext(
        settings=settings,
        language=language,
        request_id=request_id_of(request.scope),
        tokens=tokens,
        # Both realms send `Authorization: Bearer`; which realm a field needs decides the check.
        bearer_token=bearer_token or None,
        postgres=postgres,
        mysql=mysql,
        mongo=mongo,
        redis=redis,
    )
