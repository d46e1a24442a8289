"""`/health/ready` probes the four configured backends."""

import httpx

from app.core.errors import ErrorType
from tests.envelope import assert_envelope


async def test_ready_reports_the_four_backends(client: httpx.AsyncClient) -> None:
    body = assert_envelope(await client.get("/health/ready"), 200, ErrorType.SUCCESS)
    backends = body["data"]["backends"]
    assert {name: health["state"] for name, health in backends.items()} == {
        "postgres": "up",
        # fusion:mysql begin
        "mysql": "up",
        # fusion:mysql end
        # fusion:mongo begin
        "mongo": "up",
        # fusion:mongo end
        "redis": "up",
    }
    assert all(health["latency_ms"] >= 0 for health in backends.values())
