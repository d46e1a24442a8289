"""Auth routes while MongoDB is down: the audit trail logs a warning, auth keeps working."""

import logging
from dataclasses import replace
from typing import Any, cast

import httpx
import pytest
from fastapi import FastAPI
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import ServerSelectionTimeoutError

from app.core.errors import ErrorType
from app.resources import attach_resources, resources_of
from tests.behaviour.accounts import Accounts
from tests.envelope import assert_envelope


@pytest.fixture
def accounts(app: FastAPI, running: httpx.AsyncClient) -> Accounts:
    return Accounts(running, app)


class _UnreachableCollection:
    """Fails every write the way PyMongo does when no server can be selected."""

    async def insert_one(self, document: Any) -> None:
        raise ServerSelectionTimeoutError("127.0.0.1:27017: [Errno 111] Connection refused")


class _UnreachableDatabase:
    def __getitem__(self, name: str) -> _UnreachableCollection:
        return _UnreachableCollection()


async def test_mongo_down_leaves_auth_working_and_logs_a_warning(
    app: FastAPI,
    running: httpx.AsyncClient,
    accounts: Accounts,
    caplog: pytest.LogCaptureFixture,
) -> None:
    resources = resources_of(app)
    # A stand-in with only what the audit trail calls (`db[name].insert_one`).
    unreachable = cast("AsyncDatabase[dict[str, Any]]", _UnreachableDatabase())
    mongo = replace(resources.backends.mongo, db=unreachable)
    attach_resources(app, replace(resources, backends=replace(resources.backends, mongo=mongo)))
    with caplog.at_level(logging.WARNING, logger="app.audit"):
        session = await accounts.user()
        wrong = await running.post(
            "/api/v1/auth/login", json={"username": session.username, "password": "not it at all"}
        )
        assert_envelope(wrong, 401, ErrorType.UNAUTHORIZED)
        logout = await running.post("/api/v1/auth/logout", headers=session.headers)
        assert_envelope(logout, 200, ErrorType.SUCCESS)
    warnings = [r.getMessage() for r in caplog.records if r.name == "app.audit"]
    assert len(warnings) == 3  # login success, login failure, logout
    assert all("ServiceUnavailableError" in line for line in warnings)
