"""An unreachable server is a 503 envelope and a `down` in readiness, never a 500 or a hang."""

from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import APIRouter

from app.api.users.repository import UserRepository
from app.core.envelope import Envelope, success
from app.core.errors import ErrorType
from app.depends import Lang, PostgresSession, Redis
from app.main import create_app
from app.settings import AppSettings, DatabaseSettings, Environment, Settings
from tests.envelope import assert_envelope

# Port 1 on loopback: nothing listens there, so connecting is refused at once.
DEAD_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:1/none"
DEAD_REDIS = "redis://127.0.0.1:1/0"

router = APIRouter(prefix="/dead")


@router.get("/users")
async def count_users(session: PostgresSession, lang: Lang) -> Envelope[int]:
    return success((await UserRepository(session).list()).total, lang)


@router.get("/redis")
async def read_redis(redis: Redis, lang: Lang) -> Envelope[str | None]:
    value = await redis.client.get(redis.key("anything"))
    return success(None if value is None else str(value), lang)


@dataclass(frozen=True)
class DeadBackend:
    """One backend's server unreachable: the setting pointing there, a route that needs it."""

    name: str
    settings: dict[str, str]
    path: str


DEAD_BACKENDS = [
    DeadBackend("postgres", {"postgres_url": DEAD_POSTGRES}, "/dead/users"),
    DeadBackend("redis", {"redis_url": DEAD_REDIS}, "/dead/redis"),
]


@pytest.fixture(params=DEAD_BACKENDS, ids=[dead.name for dead in DEAD_BACKENDS])
def dead(request: pytest.FixtureRequest) -> DeadBackend:
    """Each backend in turn is the dead one."""
    backend: DeadBackend = request.param
    return backend


@pytest.fixture
async def dead_client(
    database_settings: DatabaseSettings, dead: DeadBackend
) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app whose `dead` backend is unreachable; every other one is up."""
    fields = {name: getattr(database_settings, name) for name in DatabaseSettings.model_fields}
    settings = Settings(
        app=AppSettings(environment=Environment.TEST, probe_timeout_seconds=5),
        database=DatabaseSettings(**(fields | dead.settings)),
    )
    app = create_app(settings)
    app.include_router(router)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


async def test_ready_is_503_naming_the_dead_backend(
    dead_client: httpx.AsyncClient, dead: DeadBackend
) -> None:
    response = await dead_client.get("/health/ready")
    body = assert_envelope(response, 503, ErrorType.SERVICE_UNAVAILABLE)
    states = {name: health["state"] for name, health in body["data"]["backends"].items()}
    assert states.pop(dead.name) == "down"
    assert set(states.values()) == {"up"}
    assert "127.0.0.1:1" not in response.text


async def test_request_needing_a_dead_backend_is_503(
    dead_client: httpx.AsyncClient, dead: DeadBackend
) -> None:
    assert_envelope(await dead_client.get(dead.path), 503, ErrorType.SERVICE_UNAVAILABLE)
