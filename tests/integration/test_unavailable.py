"""An unreachable server is a 503 envelope and a `down` in readiness, never a 500 or a hang."""

from collections.abc import AsyncIterator

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


@pytest.fixture
async def dead_client(
    database_settings: DatabaseSettings, request: pytest.FixtureRequest
) -> AsyncIterator[httpx.AsyncClient]:
    fields = {name: getattr(database_settings, name) for name in DatabaseSettings.model_fields}
    settings = Settings(
        app=AppSettings(environment=Environment.TEST, probe_timeout_seconds=5),
        database=DatabaseSettings(**(fields | request.param)),
    )
    app = create_app(settings)
    app.include_router(router)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


@pytest.mark.parametrize(
    ("dead_client", "backend"),
    [({"postgres_url": DEAD_POSTGRES}, "postgres"), ({"redis_url": DEAD_REDIS}, "redis")],
    indirect=["dead_client"],
)
async def test_ready_is_503_naming_the_dead_backend(
    dead_client: httpx.AsyncClient, backend: str
) -> None:
    response = await dead_client.get("/health/ready")
    body = assert_envelope(response, 503, ErrorType.SERVICE_UNAVAILABLE)
    states = {name: health["state"] for name, health in body["data"]["backends"].items()}
    assert states.pop(backend) == "down"
    assert set(states.values()) == {"up"}
    assert "127.0.0.1:1" not in response.text


@pytest.mark.parametrize(
    ("dead_client", "path"),
    [({"postgres_url": DEAD_POSTGRES}, "/dead/users"), ({"redis_url": DEAD_REDIS}, "/dead/redis")],
    indirect=["dead_client"],
)
async def test_request_needing_a_dead_backend_is_503(
    dead_client: httpx.AsyncClient, path: str
) -> None:
    assert_envelope(await dead_client.get(path), 503, ErrorType.SERVICE_UNAVAILABLE)
