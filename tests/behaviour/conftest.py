"""Behaviour fixtures: the app's client with an address of its own, and account helpers."""

import secrets
from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from app.database.redis import RedisStore
from tests.behaviour.accounts import Accounts
from tests.harness import throwaway


@pytest.fixture
async def api(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A client for the running app, calling from a fresh address; Redis is emptied after.

    On real Redis, sessions and the login limiter's counters would outlive the test: they
    are deleted at the end (the run's key prefix), and a random address keeps one test's
    failed logins from counting against another's while it runs.
    """
    address = f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app, client=(address, 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client
        store: RedisStore = app.state.redis
        await throwaway.delete_redis_keys(store.client, store.prefix)


@pytest.fixture
def accounts(api: httpx.AsyncClient, app: FastAPI) -> Accounts:
    """Account helpers over the running app."""
    return Accounts(api, app)
