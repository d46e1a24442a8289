"""The endpoints measured, and the data each needs, created through the app's own API."""

import asyncio
import subprocess
import sys
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench import wrk

PASSWORD = "bench-password-1"  # noqa: S105 - a throwaway account on a throwaway database
PRODUCT_COUNT = 20


@dataclass(frozen=True)
class Request:
    """One request shape for wrk to repeat."""

    path: str
    method: str = "GET"
    body: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    # Set for the write scenario: wrk POSTs, then DELETEs `delete_prefix + id` of what it made.
    delete_prefix: str = ""
    # Driven against an app server of its own: what it leaves behind would slow the others.
    own_server: bool = False

    @classmethod
    def posting(
        cls,
        path: str,
        document: object,
        headers: Mapping[str, str],
        delete_prefix: str = "",
        *,
        own_server: bool = False,
    ) -> "Request":
        """A POST of `document` as JSON, with `headers`."""
        body = wrk.json_body(document)
        return cls(path, "POST", body, {**JSON, **headers}, delete_prefix, own_server)


class SetupError(Exception):
    """The app refused a setup step; the scenario is reported, not measured."""


def _data(response: httpx.Response, step: str) -> Any:
    if response.status_code >= 400:
        raise SetupError(f"{step}: HTTP {response.status_code} {response.text[:200]}")
    return response.json()["data"]


async def login_user(client: httpx.AsyncClient, username: str) -> str:
    """Register `username` (if new) and return an access token."""
    await client.post(
        "/api/v1/auth/register",
        json={"username": username, "email": f"{username}@bench.example", "password": PASSWORD},
    )
    data = _data(
        await client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD}),
        "user login",
    )
    return str(data["access_token"])


def create_admin(env: Mapping[str, str], cwd: Path, username: str) -> None:
    """Create the first admin the only way the app allows: its operator command."""
    result = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "app", "admin", "create", "--username", username,
         "--email", f"{username}@bench.example", "--password-stdin"],
        input=PASSWORD, capture_output=True, text=True, env=dict(env), cwd=cwd, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise SetupError(f"admin create: {result.stderr.strip()[:200]}")


async def seed_products(client: httpx.AsyncClient, env: Mapping[str, str], cwd: Path) -> None:
    """A category (by an admin) and `PRODUCT_COUNT` products (by a user)."""
    await asyncio.to_thread(create_admin, env, cwd, "benchadmin")
    admin = _data(
        await client.post(
            "/api/v1/admin/auth/login", json={"username": "benchadmin", "password": PASSWORD}
        ),
        "admin login",
    )
    admin_headers = {"Authorization": f"Bearer {admin['access_token']}"}
    _data(
        await client.post(
            "/api/v1/categories", json={"slug": "bench", "name": "Bench"}, headers=admin_headers
        ),
        "create category",
    )
    user_headers = {"Authorization": f"Bearer {await login_user(client, 'benchseller')}"}
    for index in range(PRODUCT_COUNT):
        product = {
            "name": f"Product {index}",
            "description": "Seeded by the benchmark.",
            "price": f"{index + 1}.99",
            "category": "bench",
            "tags": ["bench"],
        }
        _data(
            await client.post("/api/v1/products", json=product, headers=user_headers),
            "create product",
        )


GRAPHQL_PRODUCTS = "query { products(page: {limit: 20}) { items { id name price } total } }"
GRAPHQL_ME = "query { me { id username email role } }"
JSON = {"Content-Type": "application/json"}
# report.lua makes "__N__" unique per request: an owner's active products have unique names.
NEW_PRODUCT = {
    "name": "Written by the benchmark __N__",
    "description": "Created and deleted at once.",
    "price": "9.99",
    "category": "bench",
    "tags": ["bench"],
}

Setup = Callable[[httpx.AsyncClient, Mapping[str, str], Path], Awaitable[Request]]


async def _health(client: httpx.AsyncClient, env: Mapping[str, str], cwd: Path) -> Request:
    return Request("/health/live")


async def _products(client: httpx.AsyncClient, env: Mapping[str, str], cwd: Path) -> Request:
    await seed_products(client, env, cwd)
    return Request(f"/api/v1/products?limit={PRODUCT_COUNT}")


async def _categories(client: httpx.AsyncClient, env: Mapping[str, str], cwd: Path) -> Request:
    return Request("/api/v1/categories")


async def _me(client: httpx.AsyncClient, env: Mapping[str, str], cwd: Path) -> Request:
    token = await login_user(client, "benchreader")
    return Request("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})


async def _write(client: httpx.AsyncClient, env: Mapping[str, str], cwd: Path) -> Request:
    token = await login_user(client, "benchwriter")
    request = Request.posting(
        "/api/v1/products",
        NEW_PRODUCT,
        {"Authorization": f"Bearer {token}"},
        delete_prefix="/api/v1/products/",
        # The embedded Mongo (mongomock, in the server's process) scans every document on
        # every listing, the products this scenario soft-deletes included: on a shared server
        # the product listings slowed round after round (1,000 -> 3,500 us/request). A real
        # MongoDB finds the active ones through its indexes (`active` leads them).
        own_server="MONGO_URL" not in env,
    )
    # One round by hand first: the id must be where report.lua looks for it.
    created = _data(
        await client.post(request.path, content=request.body, headers=request.headers),
        "create product",
    )
    deleted = await client.delete(f"/api/v1/products/{created['id']}", headers=request.headers)
    if deleted.status_code >= 300:
        raise SetupError(f"delete product: HTTP {deleted.status_code} {deleted.text[:200]}")
    return request


async def _graphql_query(
    client: httpx.AsyncClient, query: str, headers: Mapping[str, str]
) -> Request:
    request = Request.posting("/graphql", {"query": query}, headers)
    probe = await client.post(request.path, content=request.body, headers=request.headers)
    if probe.status_code != 200 or probe.json().get("errors"):
        raise SetupError(f"graphql: HTTP {probe.status_code} {probe.text[:200]}")
    return request


async def _graphql(client: httpx.AsyncClient, env: Mapping[str, str], cwd: Path) -> Request:
    return await _graphql_query(client, GRAPHQL_PRODUCTS, {})


async def _graphql_me(client: httpx.AsyncClient, env: Mapping[str, str], cwd: Path) -> Request:
    token = await login_user(client, "benchgraphql")
    return await _graphql_query(client, GRAPHQL_ME, {"Authorization": f"Bearer {token}"})


ME_SCENARIO = "GET /api/v1/users/me (authenticated)"
# Order matters: the products scenario seeds what the GraphQL query reads.
SCENARIOS: dict[str, Setup] = {
    "GET /health/live": _health,
    "GET /api/v1/products (20 items)": _products,
    "GET /api/v1/categories": _categories,
    ME_SCENARIO: _me,
    "POST + DELETE /api/v1/products (write)": _write,
    "POST /graphql me": _graphql_me,
    "POST /graphql products": _graphql,
}
