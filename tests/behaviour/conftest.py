"""Fixtures of the domain API tests: the running app's client, accounts, clean collections."""

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pymongo.asynchronous.database import AsyncDatabase

from app.resources import resources_of
from tests.behaviour.accounts import Accounts as AuthAccounts
from tests.behaviour.domain import Accounts, clean_app_stores


@pytest.fixture
async def api(app: FastAPI, client: httpx.AsyncClient) -> AsyncIterator[httpx.AsyncClient]:
    """The client of the running app; what it wrote to Mongo and Redis goes after the test."""
    yield client
    await clean_app_stores(app)


@pytest.fixture
def accounts(app: FastAPI, api: httpx.AsyncClient) -> Accounts:
    """Makes signed-in users and administrators in the running app."""
    return Accounts(app)


@pytest.fixture
def app_mongo(app: FastAPI, api: httpx.AsyncClient) -> AsyncDatabase[dict[str, Any]]:
    """The running app's Mongo database, to look at what was (not) written."""
    db = resources_of(app).backends.mongo.db
    return db


@pytest.fixture
def auth_accounts(api: httpx.AsyncClient, app: FastAPI) -> AuthAccounts:
    """Registers and signs in accounts through the auth routes of the running app."""
    return AuthAccounts(api, app)
