"""MongoDB's spec and fixtures (products and audit events); the rest is in fixtures.py."""

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
import pytest
from fastapi import FastAPI
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from app.database.mongo import MongoStore, create_mongo
from app.models.mongo.indexes import COLLECTION_INDEXES, ensure_indexes
from app.resources import resources_of
from app.settings import DatabaseSettings
from tests.harness import throwaway
from tests.harness.backends import Backend, BackendSpec, register
from tests.harness.fixtures import backend_fixtures


def mongo_server_url(url: str) -> str:
    """`url` without a database path, so the run's own database is the default one.

    A path in a Mongo URL also names the database to authenticate against; it is kept as
    `authSource` so credentials still work.
    """
    parts = urlsplit(url)
    database = parts.path.strip("/")
    query = parse_qsl(parts.query)
    if database and not any(key.lower() == "authsource" for key, _ in query):
        query.append(("authSource", database))
    return urlunsplit((parts.scheme, parts.netloc, "/", urlencode(query), parts.fragment))


async def drop_mongo_database(url: str, name: str) -> None:
    """Drop the Mongo database `name`."""
    throwaway.check_name(name)
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(url)
    try:
        await client.drop_database(name)
    finally:
        await client.close()


async def mongo_databases(url: str) -> list[str]:
    """Names of the throwaway Mongo databases present on the server."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(url)
    try:
        return [
            name for name in await client.list_database_names() if name.startswith(throwaway.PREFIX)
        ]
    finally:
        await client.close()


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
    return mongo_server_url(url)


async def _drop(url: str, run_name: str) -> None:
    await drop_mongo_database(mongo_server_url(url), run_name)


async def _leftover(url: str, name: str) -> str | None:
    present = name in await mongo_databases(mongo_server_url(url))
    return f"mongo database {name}" if present else None


async def _empty(url: str, run_name: str) -> None:
    store = create_mongo(DatabaseSettings(mongo_url=url, mongo_database=run_name))
    try:
        await empty_collections(store.db)
    finally:
        await store.close()


register(BackendSpec("mongo", provision=_provision, drop=_drop, leftover=_leftover, empty=_empty))


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


@pytest.fixture
def app_mongo(app: FastAPI, api: httpx.AsyncClient) -> AsyncDatabase[dict[str, Any]]:
    """The running app's Mongo database, to look at what was (not) written."""
    db: AsyncDatabase[dict[str, Any]] = resources_of(app).backends.mongo.db
    return db
