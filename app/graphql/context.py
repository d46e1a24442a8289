"""The per-request GraphQL context, built from the same dependencies as the REST routes."""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import InitVar, dataclass, field
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from fastapi.security.utils import get_authorization_scheme_param
from pymongo.asynchronous.database import AsyncDatabase
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader
from strawberry.fastapi import BaseContext

from app.api.auth.access import Gate, Policy, gate_of
from app.api.auth.accounts import Account
from app.api.auth.principal import Principal
from app.api.auth.tokens import TokenService
from app.core.middleware import request_id_of
from app.database.redis import RedisStore
from app.database.session import unit_of_work
from app.database.sql import SQLDatabase
from app.depends import (
    AppSettingsDep,
    Lang,
    MongoDB,
    Redis,
    Tokens,
)
from app.resources import resources_of
from app.settings import Settings

KeyT = TypeVar("KeyT", bound=Hashable)
ValueT = TypeVar("ValueT")
# Opens the request's unit of work on one role when a resolver first needs it.
SessionOpener = Callable[[], Awaitable[AsyncSession]]


class LockedSession:
    """A SQL session the request's resolvers share, handed out only with its lock held."""

    # Query fields resolve concurrently, but one AsyncSession runs one statement at a time:
    # nothing outside this class can reach the session without taking the lock first.
    def __init__(self, session: AsyncSession | SessionOpener) -> None:
        # Given an opener, the session is opened on first use (under the lock, so once): a
        # request whose fields never reach SQL, as `me`, pays for no unit of work.
        self._session = session if isinstance(session, AsyncSession) else None
        self._open = None if isinstance(session, AsyncSession) else session
        self._lock = asyncio.Lock()

    @asynccontextmanager
    async def locked(self) -> AsyncIterator[AsyncSession]:
        """The session, with its lock held until the block ends."""
        async with self._lock:
            if self._session is None:
                assert self._open is not None  # noqa: S101 - one of the two is always set
                self._session = await self._open()
            yield self._session

    async def rollback(self) -> None:
        """Undo the session's writes (once no resolver is using it); none if never opened."""
        async with self._lock:
            if self._session is not None:
                await self._session.rollback()


@dataclass
class GraphQLContext(BaseContext):
    """What every resolver reads as `info.context`: settings, language, backends, caller.

    The SQL sessions (or their openers) are given to the constructor but not kept as
    attributes: a resolver reaches PostgreSQL only through `postgres_session()`, which holds
    the session's lock.
    """

    settings: Settings
    language: str
    request_id: str
    tokens: TokenService
    gate: Gate
    bearer_token: str | None
    postgres: InitVar[AsyncSession | SessionOpener]
    admins: InitVar[AsyncSession | SessionOpener]
    mongo: AsyncDatabase[dict[str, Any]]
    redis: RedisStore
    # One check per policy per request, however many fields ask for the caller; the
    # account row the gate read comes with it (resolvers reuse it, as REST handlers do).
    _principals: dict[Policy, tuple[Principal, Account]] = field(default_factory=dict)
    # One DataLoader per factory per request: batches and caches never outlive the request.
    _loaders: dict[object, DataLoader[Any, Any]] = field(default_factory=dict)

    def __post_init__(
        self, postgres: AsyncSession | SessionOpener, admins: AsyncSession | SessionOpener
    ) -> None:
        BaseContext.__init__(self)
        self._postgres = LockedSession(postgres)
        # No resolver reads the admin realm's session yet; it is kept for the rollback.
        self._admins = LockedSession(admins)

    async def admit(self, policy: Policy) -> Principal:
        """The caller, admitted under `policy` by the same gate as REST (401/403 otherwise)."""
        principal, _ = await self.admit_account(policy)
        return principal

    async def admit_account(self, policy: Policy) -> tuple[Principal, Account]:
        """The caller and the account row the gate read to admit them."""
        if policy not in self._principals:
            self._principals[policy] = await self.gate.admit_account(policy, self.bearer_token)
        return self._principals[policy]

    def postgres_session(self) -> AbstractAsyncContextManager[AsyncSession]:
        """The request's PostgreSQL session, with its lock held until the block ends."""
        return self._postgres.locked()

    def loader(
        self, factory: "Callable[[GraphQLContext], DataLoader[KeyT, ValueT]]"
    ) -> DataLoader[KeyT, ValueT]:
        """The request's loader made by `factory` (made on first use)."""
        if factory not in self._loaders:
            self._loaders[factory] = factory(self)
        return self._loaders[factory]

    async def rollback(self) -> None:
        """Undo the request's SQL writes: a response carrying errors changes nothing there."""
        await self._postgres.rollback()
        await self._admins.rollback()


def bearer_token_of(request: Request) -> str | None:
    """The bearer token, parsed as REST's `OAuth2PasswordBearer` parses it (None if absent)."""
    # Not `Depends(user_bearer)`: that would mark /graphql as secured in OpenAPI, yet its
    # public fields need no token. Both realms send it; the field's realm decides the check.
    scheme, token = get_authorization_scheme_param(request.headers.get("Authorization"))
    return token if scheme.lower() == "bearer" and token else None


async def _session_openers(request: Request) -> AsyncIterator[tuple[SessionOpener, SessionOpener]]:
    """Openers of the request's units of work on PostgreSQL and the admins' database.

    Each unit of work is the REST routes' one (commit at the end, rollback if the request
    raises), only opened when a resolver first asks for its session.
    """
    backends = resources_of(request).backends
    async with AsyncExitStack() as opened:

        def opener(database: SQLDatabase) -> SessionOpener:
            return lambda: opened.enter_async_context(unit_of_work(database))

        yield opener(backends.postgres), opener(backends.admins)


# Function scope, as `PostgresSession`: the commit comes before the response is sent.
SessionOpeners = Annotated[
    tuple[SessionOpener, SessionOpener], Depends(_session_openers, scope="function")
]


async def graphql_context(
    request: Request,
    settings: AppSettingsDep,
    language: Lang,
    tokens: Tokens,
    openers: SessionOpeners,
    mongo: MongoDB,
    redis: Redis,
) -> GraphQLContext:
    """The context for one GraphQL request; authenticates lazily, so public fields need no token."""
    return GraphQLContext(
        settings=settings,
        language=language,
        request_id=request_id_of(request.scope),
        tokens=tokens,
        gate=gate_of(request.app),
        bearer_token=bearer_token_of(request),
        postgres=openers[0],
        admins=openers[1],
        mongo=mongo,
        redis=redis,
    )
