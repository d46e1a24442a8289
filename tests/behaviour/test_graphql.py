"""GraphQL `me` on every backend: the user from the users store, the session from Redis."""

import httpx
from fastapi import FastAPI

from app.api.auth.tokens import TokenService
from app.api.users.repository import UserRepository
from app.core.errors import ErrorType
from app.core.security.tokens import Realm
from app.database.session import unit_of_work
from app.resources import resources_of

# The running app and its token service, as the auth tests build them.
from tests.unit.auth.conftest import bearer, running, tokens
from tests.unit.graphql.assertions import only_error

__all__ = ["running", "tokens"]

ME = {"query": "{ me { id username email role createdAt } }"}


async def test_me_then_logout(
    app: FastAPI, running: httpx.AsyncClient, tokens: TokenService
) -> None:
    async with unit_of_work(resources_of(app).backends.postgres) as session:
        user = await UserRepository(session).create(
            username="lin", email="Lin@Example.com", password_hash="x"
        )
    pair = await tokens.issue(Realm.USER, user.id, "user")
    served = await running.post("/graphql", json=ME, headers=bearer(pair.access_token))
    me = served.json()["data"]["me"]
    assert (me["id"], me["username"], me["email"], me["role"]) == (
        user.id,
        "lin",
        "lin@example.com",
        "user",
    )
    await tokens.logout(await tokens.authenticate(pair.access_token, Realm.USER))
    refused = await running.post("/graphql", json=ME, headers=bearer(pair.access_token))
    only_error(refused, ErrorType.UNAUTHORIZED)
