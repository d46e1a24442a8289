"""`/health/ready` probes the four configured backends."""

import httpx

from app.core.errors import ErrorType
from tests.envelope import assert_envelope


async def test_ready_reports_the_four_backends(client: httpx.AsyncClient) -> None:
    body = assert_envelope(await client.get("/health/ready"), 200, ErrorType.SUCCESS)
    assert body["data"] == {
        "backends": {
            "postgres": "up",
            "mysql": "up",
            "mongo": "up",
            "redis": "up",
        },
    }
