"""Unit tier: the app on embedded fakes, in process, with network sockets forbidden."""

from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from pydantic import SecretStr
from pytest_socket import disable_socket

from app.core.security.keys import generate_private_key, private_pem
from app.main import create_app
from app.settings import AppSettings, AuthSettings, Environment, RedisSettings, Settings


def pytest_runtest_setup() -> None:
    """Forbid network sockets in every unit test (the event loop's unix socketpair is fine)."""
    disable_socket(allow_unix_socket=True)


@pytest.fixture(scope="session")
def signing_pem() -> str:
    """One RSA key for the session: generating one per app would cost seconds over the suite."""
    return private_pem(generate_private_key()).decode("ascii")


@pytest.fixture
def auth_settings(signing_pem: str) -> AuthSettings:
    """Auth settings with a fixed key and bcrypt's lowest cost (tests need speed, not strength)."""
    return AuthSettings(jwt_private_key=SecretStr(signing_pem), bcrypt_rounds=4)


@pytest.fixture
def settings(auth_settings: AuthSettings) -> Settings:
    """Test settings: built explicitly so the developer's environment cannot leak in."""
    return Settings(
        app=AppSettings(environment=Environment.TEST, max_body_bytes=1024),
        auth=auth_settings,
        redis=RedisSettings(url="memory://"),
    )


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
