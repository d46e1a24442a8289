"""Fixtures of the domain API tests: the running app's client, accounts, clean collections."""

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pymongo.asynchronous.database import AsyncDatabase

from app.models.mongo.indexes import COLLECTION_INDEXES
from tests.behaviour.domain import Accounts


@pytest.fixture
async def api(app: FastAPI, client: httpx.AsyncClient) -> AsyncIterator[httpx.AsyncClient]:
    """The client of the running app; its Mongo collections are emptied after the test."""
    yield client
    # A real Mongo server keeps the run's database across tests (SQL tables are emptied
    # by the `app` fixture, the embedded Mongo dies with the app).
    for collection in COLLECTION_INDEXES:
        await app.state.mongo.db[collection].delete_many({})


@pytest.fixture
def accounts(app: FastAPI, api: httpx.AsyncClient) -> Accounts:
    """Makes signed-in users and administrators in the running app."""
    return Accounts(app)


@pytest.fixture
def app_mongo(app: FastAPI, api: httpx.AsyncClient) -> AsyncDatabase[dict[str, Any]]:
    """The running app's Mongo database, to look at what was (not) written."""
    db: AsyncDatabase[dict[str, Any]] = app.state.mongo.db
    return db
