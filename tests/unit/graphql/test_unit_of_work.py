"""The request's SQL unit of work in GraphQL: resolvers reach it only under its lock, and a
response carrying errors leaves no SQL writes behind, as a failed REST request."""

import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.api.auth.access import gate_of
from app.api.auth.tokens import TokenService
from app.api.users.repository import UserRepository
from app.core.errors import NotFoundError
from app.database.session import unit_of_work
from app.graphql.context import GraphQLContext
from app.graphql.schema import build_schema
from app.resources import resources_of, settings_of


def _context(
    app: FastAPI, tokens: TokenService, postgres: AsyncSession, admins: AsyncSession
) -> GraphQLContext:
    return GraphQLContext(
        settings=settings_of(app),
        language="en",
        request_id="uow-test",
        tokens=tokens,
        gate=gate_of(app),
        bearer_token=None,
        postgres=postgres,
        admins=admins,
        mongo=resources_of(app).backends.mongo.db,
        redis=resources_of(app).backends.redis,
    )


async def _write_then_run(app: FastAPI, tokens: TokenService, query: str) -> bool:
    """Write a user in the request's unit of work, run `query`; whether the result had errors."""
    postgres = resources_of(app).backends.postgres
    admins = resources_of(app).backends.admins
    schema = build_schema(settings_of(app).graphql, settings_of(app).environment)
    async with unit_of_work(postgres) as session, unit_of_work(admins) as admin_session:
        await UserRepository(session).create(
            username="grace", email="g@example.com", password_hash="x"
        )
        context = _context(app, tokens, session, admin_session)
        result = await schema.execute(query, context_value=context)
    return bool(result.errors)


async def test_the_context_keeps_no_session_outside_its_lock(
    app: FastAPI, tokens: TokenService
) -> None:
    postgres = AsyncSession()
    context = _context(app, tokens, postgres, AsyncSession())
    # Only `postgres_session()` hands the session out, with the lock held until the block ends.
    reachable = [value for value in vars(context).values() if isinstance(value, AsyncSession)]
    assert reachable == []
    async with context.postgres_session() as session:
        assert session is postgres


async def _stored(app: FastAPI) -> bool:
    async with unit_of_work(resources_of(app).backends.postgres) as session:
        try:
            await UserRepository(session).get_by_username("grace")
        except NotFoundError:
            return False
        return True


async def test_errors_roll_the_writes_back(app: FastAPI, tokens: TokenService) -> None:
    # `me` without a token fails after the write: the user must not be stored.
    assert await _write_then_run(app, tokens, "{ me { id } }")
    assert not await _stored(app)


async def test_success_commits(app: FastAPI, tokens: TokenService) -> None:
    assert not await _write_then_run(app, tokens, "{ __typename }")
    assert await _stored(app)


@pytest.mark.parametrize("query", ["{ nope }", "{ me { "])
async def test_refused_documents_roll_back_too(
    app: FastAPI, tokens: TokenService, query: str
) -> None:
    # The rule is "any error in the response", whichever phase reported it.
    assert await _write_then_run(app, tokens, query)
    assert not await _stored(app)
