"""Fixtures of the domain API tests: the running app's client, accounts, clean stores."""

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from tests.behaviour.accounts import Accounts as AuthAccounts
from tests.behaviour.domain import Accounts, Caller, clean_app_stores


@pytest.fixture
async def api(app: FastAPI, client: httpx.AsyncClient) -> AsyncIterator[httpx.AsyncClient]:
    """The client of the running app; what it wrote to the stores goes after the test."""
    yield client
    await clean_app_stores(app)


@pytest.fixture
def accounts(app: FastAPI, api: httpx.AsyncClient) -> Accounts:
    """Makes signed-in users and administrators in the running app."""
    return Accounts(app)


@pytest.fixture
async def admin(accounts: Accounts) -> Caller:
    """The administrator `root`, signed in: who most domain tests write as."""
    return await accounts.admin("root")


@pytest.fixture
def auth_accounts(api: httpx.AsyncClient, app: FastAPI) -> AuthAccounts:
    """Registers and signs in accounts through the auth routes of the running app."""
    return AuthAccounts(api, app)
