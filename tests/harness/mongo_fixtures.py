"""MongoDB's fixtures (products and audit events); the rest is in fixtures.py."""

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from app.database.mongo import MongoStore, create_mongo
from app.models.mongo.indexes import COLLECTION_INDEXES, ensure_indexes
from app.settings import DatabaseSettings
from tests.harness import throwaway
from tests.harness.fixtures import CREATED, Backend, find_server, is_real, side_backend
from tests.harness.servers import Servers


@pytest.fixture
def mongo_side(request: pytest.FixtureRequest, store_side: str) -> Backend:
    """The Mongo backend on this test's side."""
    return side_backend(request, "mongo", store_side)


@pytest.fixture(scope="session")
def fake_mongo_backend() -> Backend:
    """The unit tier's stand-in for MongoDB (the in-process shim), for conformance pairs."""
    return Backend("mongo", "memory://", real=False)


@pytest.fixture(scope="session")
def mongo_backend(
    pytestconfig: pytest.Config, servers: Servers, run_name: str
) -> Iterator[Backend]:
    """The Mongo server for this run (its database is named after the run)."""
    if not is_real(pytestconfig):
        yield Backend("mongo", "memory://", real=False)
        return
    server = find_server(servers, "mongo")
    if isinstance(server, str):
        yield Backend("mongo", None, real=True, missing=server)
        return
    url = throwaway.mongo_server_url(server.url)
    pytestconfig.stash[CREATED].append(("mongo", url, run_name))
    try:
        yield Backend("mongo", url, real=True)
    finally:
        asyncio.run(throwaway.drop_mongo_database(url, run_name))


@pytest.fixture
async def mongo_store(mongo_side: Backend, run_name: str) -> AsyncIterator[MongoStore]:
    """The Mongo client and this run's database with its indexes, emptied after the test."""
    settings = DatabaseSettings(mongo_url=mongo_side.require(), mongo_database=run_name)
    store = create_mongo(settings)
    await ensure_indexes(store.db)
    try:
        yield store
    finally:
        for collection in COLLECTION_INDEXES:
            await store.db[collection].delete_many({})
        await store.close()


@pytest.fixture
def mongo_db(mongo_store: MongoStore) -> AsyncDatabase[dict[str, Any]]:
    """This run's Mongo database."""
    return mongo_store.db
