"""On PostgreSQL, a category delete and a product create in it cannot both succeed.

No transaction spans PostgreSQL and MongoDB; the category row lock is what orders the two
(SQLite has no row locks, so this runs on the real server only).
"""

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI

from app.api.categories import service as categories
from app.api.products import service as products
from app.api.products.schema import ProductCreate
from app.core.errors import ConflictError, ErrorType
from app.database.session import unit_of_work
from app.resources import resources_of
from tests.behaviour.domain import API, Accounts, Caller, clean_app_stores, create_category
from tests.envelope import assert_envelope

# Long enough for a request that is not blocked to finish on a loaded machine.
SETTLE_SECONDS = 0.5
HAMMER = {"name": "hammer", "price": "1.00", "category": "tools"}


@pytest.fixture
async def served(app: FastAPI, client: httpx.AsyncClient) -> AsyncIterator[httpx.AsyncClient]:
    """The running app's client; its Mongo documents and Redis sessions go after the test."""
    yield client
    await clean_app_stores(app)


@dataclass(frozen=True)
class Shop:
    """An administrator and the user ann, with the category `tools` they race over."""

    accounts: Accounts
    admin: Caller
    ann: Caller


@pytest.fixture
async def shop(app: FastAPI, served: httpx.AsyncClient) -> Shop:
    """The administrator `root`, the user `ann` and the category `tools`."""
    accounts = Accounts(app)
    admin, ann = await accounts.admin("root"), await accounts.user("ann")
    await create_category(served, admin, "tools")
    return Shop(accounts, admin, ann)


async def test_create_waits_for_a_delete_in_progress(
    app: FastAPI, served: httpx.AsyncClient, shop: Shop
) -> None:
    admin_principal = await shop.accounts.principal(shop.admin)
    async with unit_of_work(resources_of(app).backends.postgres) as session:
        # The delete has checked MongoDB (no products) and holds the row...
        await categories.delete_category(
            session, resources_of(app).backends, admin_principal, "tools"
        )
        create = asyncio.create_task(
            served.post(f"{API}/products", json=HAMMER, headers=shop.ann.headers)
        )
        await asyncio.sleep(SETTLE_SECONDS)
        # ...so the create cannot have checked the category yet.
        assert not create.done()
    # The delete committed: the create now finds no category.
    assert_envelope(await create, 409, ErrorType.CONFLICT)
    assert await resources_of(app).backends.mongo.db["products"].count_documents({}) == 0


async def test_delete_waits_for_a_create_in_progress(
    app: FastAPI, served: httpx.AsyncClient, shop: Shop
) -> None:
    ann_principal = await shop.accounts.principal(shop.ann)
    data = ProductCreate.model_validate(HAMMER)
    async with unit_of_work(resources_of(app).backends.postgres) as session:
        # The create holds the category FOR SHARE until its unit of work ends...
        await products.create_product(
            session, resources_of(app).backends.mongo.db, ann_principal, data
        )
        delete = asyncio.create_task(
            served.delete(f"{API}/categories/tools", headers=shop.admin.headers)
        )
        await asyncio.sleep(SETTLE_SECONDS)
        assert not delete.done()
    # ...and once it commits, the delete counts the new product and refuses.
    assert_envelope(await delete, 409, ErrorType.CONFLICT)
    assert_envelope(await served.get(f"{API}/categories/tools"), 200)


async def test_service_refuses_to_delete_a_category_in_use(
    app: FastAPI, served: httpx.AsyncClient, shop: Shop
) -> None:
    # The same rule holds for a caller that is not a route (GraphQL calls the service).
    assert_envelope(
        await served.post(f"{API}/products", json=HAMMER, headers=shop.ann.headers), 201
    )
    async with unit_of_work(resources_of(app).backends.postgres) as session:
        principal = await shop.accounts.principal(shop.admin)
        with pytest.raises(ConflictError):
            await categories.delete_category(
                session, resources_of(app).backends, principal, "tools"
            )
    assert_envelope(await served.get(f"{API}/categories/tools"), 200)
