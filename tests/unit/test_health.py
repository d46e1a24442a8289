"""Liveness and readiness."""

import asyncio

import httpx
import pytest
from fastapi import FastAPI

from app.core.errors import ErrorType
from tests.envelope import assert_envelope


async def test_live(client: httpx.AsyncClient) -> None:
    body = assert_envelope(await client.get("/health/live"), 200, ErrorType.SUCCESS)
    assert body["data"] == {"alive": True}


async def test_ready_reports_each_backend(app: FastAPI, client: httpx.AsyncClient) -> None:
    async def up() -> None:
        return None

    app.state.probes = {"alpha": up, "beta": up}
    body = assert_envelope(await client.get("/health/ready"), 200, ErrorType.SUCCESS)
    assert body["data"] == {"backends": {"alpha": "up", "beta": "up"}}


@pytest.mark.parametrize("failure", ["raises", "hangs"])
async def test_ready_is_503_when_one_is_down(
    app: FastAPI, client: httpx.AsyncClient, failure: str
) -> None:
    async def up() -> None:
        return None

    async def down() -> None:
        if failure == "raises":
            raise ConnectionRefusedError("10.0.0.1:5432 password=hunter2")
        await asyncio.sleep(3600)

    app.state.probes = {"alpha": up, "beta": down}
    app.state.settings = app.state.settings.model_copy(
        update={"app": app.state.settings.app.model_copy(update={"probe_timeout_seconds": 0.05})}
    )
    response = await client.get("/health/ready")
    body = assert_envelope(response, 503, ErrorType.SERVICE_UNAVAILABLE)
    assert body["data"] == {"backends": {"alpha": "up", "beta": "down"}}
    assert "hunter2" not in response.text
