"""Unit tier: the app on embedded fakes, in process, with network sockets forbidden."""

from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from pytest_socket import disable_socket

from app.main import create_app
from app.settings import AppSettings, Environment, Settings


def pytest_runtest_setup() -> None:
    """Forbid network sockets in every unit test (the event loop's unix socketpair is fine)."""
    disable_socket(allow_unix_socket=True)


@pytest.fixture
def settings() -> Settings:
    """Test settings: built explicitly so the developer's environment cannot leak in."""
    return Settings(app=AppSettings(environment=Environment.TEST, max_body_bytes=1024))


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    """A fresh app per test, built from `settings`."""
    return create_app(settings)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """An in-process client; the lifespan runs around it."""
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client
