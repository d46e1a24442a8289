"""Behaviour fixtures: the app's client with an address of its own, and account helpers."""

import secrets
from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from tests.behaviour.accounts import Accounts


@pytest.fixture
async def api(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A client for the running app, calling from a fresh address.

    On real Redis the login limiter's counters outlive a test; a random address keeps one
    test's failed logins from counting against the next.
    """
    address = f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app, client=(address, 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client


@pytest.fixture
def accounts(api: httpx.AsyncClient, app: FastAPI) -> Accounts:
    """Account helpers over the running app."""
    return Accounts(api, app)
