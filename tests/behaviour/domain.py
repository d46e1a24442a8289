"""Accounts and calls for the domain API tests: real rows, tokens from the app's own service.

There are no login routes to call here: a caller is an account created through its
repository plus a token pair issued by the running app's `TokenService`, which is what a
login does after checking the password.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.api.admins.repository import AdminRepository
from app.api.auth.dependencies import token_service
from app.api.auth.principal import Principal
from app.api.users.repository import UserRepository
from app.core.errors import ErrorType
from app.core.security.tokens import Realm
from app.database.session import unit_of_work
from app.database.sql import SQLDatabase
from app.resources import resources_of
from tests.envelope import assert_envelope
from tests.harness import throwaway
from tests.harness.mongo_fixtures import empty_collections

API = "/api/v1"
# Paging parameters every listing refuses with a 422 (limit 1 to 100, offset from 0).
BAD_PAGES: list[dict[str, int]] = [{"limit": 0}, {"limit": -1}, {"limit": 101}, {"offset": -1}]
# fusion:mongo begin
# A product as a careless client offers it: the name padded, a tag repeated (the API trims
# the one and drops the other). The tests add the price.
UNTIDY_OFFER: dict[str, Any] = {
    "name": " Claw hammer ",
    "description": "Steel head",
    "category": "tools",
    "tags": ["steel", "hand", "steel"],
}
# fusion:mongo end


@dataclass(frozen=True)
class Caller:
    """An account and the headers that authenticate it."""

    realm: Realm
    account_id: int
    access_token: str

    @property
    def headers(self) -> dict[str, str]:
        """The `Authorization` header carrying the access token."""
        return {"Authorization": f"Bearer {self.access_token}"}


async def clean_app_stores(app: FastAPI) -> None:
    """Empty the app's collections and delete its Redis keys (sessions the tests opened)."""
    # Real servers keep both for the whole run (SQL tables are emptied by the `app`
    # fixture); a later test may count what is there. The embedded ones die with the app.
    # fusion:mongo begin
    await empty_collections(resources_of(app).backends.mongo.db)
    # fusion:mongo end
    redis = resources_of(app).backends.redis
    await throwaway.delete_redis_keys(redis.client, redis.prefix)


class Accounts:
    """Creates users and administrators (in their own stores) with a live session each."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.tokens = token_service(app)

    async def user(self, username: str) -> Caller:
        """A new user account, signed in."""
        database = resources_of(self.app).backends.postgres
        return await self._signed_in(Realm.USER, "user", database, UserRepository, username)

    async def admin(self, username: str) -> Caller:
        """A new administrator account, signed in."""
        database = resources_of(self.app).backends.admins
        return await self._signed_in(Realm.ADMIN, "admin", database, AdminRepository, username)

    async def _signed_in(
        self,
        realm: Realm,
        role: str,
        database: SQLDatabase,
        repository: Callable[[AsyncSession], UserRepository | AdminRepository],
        username: str,
    ) -> Caller:
        async with unit_of_work(database) as session:
            account = await repository(session).create(
                username=username, email=f"{username}@example.com", password_hash="unused"
            )
            account_id = account.id
        pair = await self.tokens.issue(realm, account_id, role)
        return Caller(realm, account_id, pair.access_token)

    async def sign_out(self, caller: Caller) -> None:
        """End the caller's session (as a logout does)."""
        principal = await self.tokens.authenticate(caller.access_token, caller.realm)
        await self.tokens.logout(principal)

    async def principal(self, caller: Caller) -> Principal:
        """The principal the app sees for the caller's token."""
        return await self.tokens.authenticate(caller.access_token, caller.realm)


async def create_category(
    client: httpx.AsyncClient, admin: Caller, slug: str, name: str | None = None
) -> dict[str, Any]:
    """Create a category through the API and return its data."""
    response = await client.post(
        f"{API}/categories",
        json={"slug": slug, "name": name or slug.title()},
        headers=admin.headers,
    )
    data: dict[str, Any] = assert_envelope(response, 201, ErrorType.RESOURCE_CREATED)["data"]
    return data


async def create_product(
    client: httpx.AsyncClient,
    owner: Caller,
    name: str,
    category: str,
    price: str = "9.99",
    tags: list[str] | None = None,
) -> dict[str, Any]:
    """Create a product through the API and return its data."""
    body = {"name": name, "price": price, "category": category, "tags": tags or []}
    response = await client.post(f"{API}/products", json=body, headers=owner.headers)
    data: dict[str, Any] = assert_envelope(response, 201, ErrorType.RESOURCE_CREATED)["data"]
    return data
