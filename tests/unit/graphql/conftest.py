"""GraphQL fixtures: the running app (from the auth tests), a user, a way to post operations."""

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from app.api.users.repository import UserRepository
from app.database.session import unit_of_work
from app.resources import resources_of

# The auth tier's fixtures: the app with its lifespan running, and its token service.
from tests.unit.auth.conftest import running, tokens

__all__ = ["running", "tokens"]

Post = Callable[..., Awaitable[httpx.Response]]


@pytest.fixture
def post_graphql(running: httpx.AsyncClient) -> Post:
    """POST one operation to `/graphql` with optional variables and headers."""

    async def post(
        query: str,
        variables: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        body: dict[str, Any] = {"query": query}
        if variables is not None:
            body["variables"] = variables
        return await running.post("/graphql", json=body, headers=headers or {})

    return post


@pytest.fixture
async def user_id(app: FastAPI, running: httpx.AsyncClient) -> int:
    """A stored user (`ada`), committed so the app's own sessions see it."""
    database = resources_of(app).backends.postgres
    async with unit_of_work(database) as session:
        user = await UserRepository(session).create(
            username="ada", email="Ada@Example.com", password_hash="x"
        )
        return user.id
