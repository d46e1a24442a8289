"""MongoDB's spec and fixtures (products and audit events); the rest is in fixtures.py."""

from collections.abc import AsyncIterator
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from app.database.mongo import MongoStore, create_mongo
from app.models.mongo.indexes import COLLECTION_INDEXES, ensure_indexes
from app.settings import DatabaseSettings
from tests.harness import throwaway
from tests.harness.backends import Backend, BackendSpec, register
from tests.harness.fixtures import backend_fixtures


async def empty_collections(db: AsyncDatabase[dict[str, Any]]) -> None:
    """Empty every collection of `db` (indexes kept); one missing from the registry fails."""
    # Listed from the database, not the registry, so nothing a test wrote can outlive it.
    present = await db.list_collection_names()
    for collection in present:
        await db[collection].delete_many({})
    unregistered = sorted(set(present) - set(COLLECTION_INDEXES))
    assert not unregistered, (
        f"collections {unregistered} are not in app/models/mongo/indexes.py COLLECTION_INDEXES: "
        "register each collection the app writes, with its indexes"
    )


async def _provision(url: str, run_name: str) -> str:
    del run_name  # the database is named by MONGO_DATABASE, created on first write
    return throwaway.mongo_server_url(url)


async def _drop(url: str, run_name: str) -> None:
    await throwaway.drop_mongo_database(throwaway.mongo_server_url(url), run_name)


async def _leftover(url: str, name: str) -> str | None:
    present = name in await throwaway.mongo_databases(throwaway.mongo_server_url(url))
    return f"mongo database {name}" if present else None


async def _empty(url: str, run_name: str) -> None:
    store = create_mongo(DatabaseSettings(mongo_url=url, mongo_database=run_name))
    try:
        await empty_collections(store.db)
    finally:
        await store.close()


register(
    BackendSpec(
        name="mongo",
        embedded=lambda directory: "memory://",
        provision=_provision,
        drop=_drop,
        leftover=_leftover,
        empty=_empty,
    )
)


mongo_side, mongo_backend = backend_fixtures("mongo")


@pytest.fixture
async def mongo_store(mongo_side: Backend, run_name: str) -> AsyncIterator[MongoStore]:
    """The Mongo client and this run's database with its indexes, emptied after the test."""
    settings = DatabaseSettings(mongo_url=mongo_side.require(), mongo_database=run_name)
    store = create_mongo(settings)
    await ensure_indexes(store.db)
    try:
        yield store
    finally:
        await empty_collections(store.db)
        await store.close()


@pytest.fixture
def mongo_db(mongo_store: MongoStore) -> AsyncDatabase[dict[str, Any]]:
    """This run's Mongo database."""
    return mongo_store.db
