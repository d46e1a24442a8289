"""Admission control on real servers: a burst far past the SQL pool waits its turn (all 2xx),
and only a configured queue limit sheds load, with 503 + Retry-After."""

import asyncio
from collections import Counter

import httpx
import pytest

from app.settings import DatabaseSettings, ServerSettings, Settings
from tests.envelope import assert_envelope
from tests.harness.backends import Backend
from tests.harness.fixtures import MakeSettings

BURST = 300
# Short enough that a request left to wait on the pool would time out: with admission
# control no request waits on the pool at all.
POOL_TIMEOUT = 0.5


@pytest.fixture
def settings(
    request: pytest.FixtureRequest, make_settings: MakeSettings, database_settings: DatabaseSettings
) -> Settings:
    """Default pool sizes and server settings (unless a test passes its own `ServerSettings`),
    with a pool timeout that forgives no pool wait."""
    impatient = database_settings.model_copy(update={"pool_timeout_seconds": POOL_TIMEOUT})
    server = getattr(request, "param", ServerSettings())
    return make_settings(database=impatient, server=server)


@pytest.fixture
async def served(
    client: httpx.AsyncClient, postgres_backend: Backend, redis_backend: Backend
) -> httpx.AsyncClient:
    """The running app on real PostgreSQL and Redis."""
    postgres_backend.require()
    redis_backend.require()
    return client


async def test_a_burst_of_300_reads_all_succeed_on_default_settings(
    served: httpx.AsyncClient, settings: Settings
) -> None:
    assert settings.server == ServerSettings()  # nothing tuned but the pool timeout
    responses = await asyncio.gather(*(served.get("/api/v1/categories") for _ in range(BURST)))
    assert Counter(response.status_code for response in responses) == {200: BURST}


@pytest.mark.parametrize(
    "settings", [ServerSettings(max_concurrency=2, max_queue=10)], ids=["queue-10"], indirect=True
)
async def test_past_the_queue_limit_the_answer_is_503_with_retry_after(
    served: httpx.AsyncClient,
) -> None:
    responses = await asyncio.gather(*(served.get("/api/v1/categories") for _ in range(60)))
    statuses = Counter(response.status_code for response in responses)
    assert set(statuses) == {200, 503}
    assert statuses[200] >= 12  # two inside and ten queued, at least
    for response in responses:
        if response.status_code == 503:
            assert_envelope(response, 503)
            assert response.headers["retry-after"] == "2"
