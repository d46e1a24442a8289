"""Liveness and readiness."""

import asyncio
from dataclasses import replace

import httpx
import pytest
from fastapi import FastAPI

from app.core.errors import ErrorType
from app.database.backends import Probe
from app.resources import attach_resources, resources_of
from app.settings import AppSettings, Environment, Settings
from tests.envelope import assert_envelope
from tests.harness.fixtures import MakeSettings


def use_probes(app: FastAPI, probes: dict[str, Probe]) -> None:
    """Have the running app's readiness check ask `probes` instead of its backends."""
    attach_resources(app, replace(resources_of(app), probes=probes))


async def test_live(client: httpx.AsyncClient) -> None:
    body = assert_envelope(await client.get("/health/live"), 200, ErrorType.SUCCESS)
    assert body["data"] == {"alive": True}


async def test_ready_reports_each_backend(app: FastAPI, client: httpx.AsyncClient) -> None:
    async def up() -> None:
        return None

    use_probes(app, {"alpha": up, "beta": up})
    body = assert_envelope(await client.get("/health/ready"), 200, ErrorType.SUCCESS)
    backends = body["data"]["backends"]
    assert {name: health["state"] for name, health in backends.items()} == {
        "alpha": "up",
        "beta": "up",
    }
    assert all(health["latency_ms"] >= 0 for health in backends.values())


async def test_ready_reports_each_probe_latency(app: FastAPI, client: httpx.AsyncClient) -> None:
    async def slow() -> None:
        await asyncio.sleep(0.05)

    async def fast() -> None:
        return None

    use_probes(app, {"slow": slow, "fast": fast})
    body = assert_envelope(await client.get("/health/ready"), 200, ErrorType.SUCCESS)
    backends = body["data"]["backends"]
    assert backends["slow"]["latency_ms"] >= 50
    assert backends["fast"]["latency_ms"] < backends["slow"]["latency_ms"]


async def test_a_down_optional_backend_is_degraded_and_the_instance_ready(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    async def up() -> None:
        return None

    async def down() -> None:
        raise ConnectionRefusedError

    # MongoDB holds products and audit events, never sessions: auth works without it.
    use_probes(app, {"postgres": up, "redis": up, "mongo": down})
    body = assert_envelope(await client.get("/health/ready"), 200, ErrorType.SUCCESS)
    states = {name: health["state"] for name, health in body["data"]["backends"].items()}
    assert states == {"postgres": "up", "redis": "up", "mongo": "degraded"}


async def test_a_down_required_backend_beside_a_degraded_one_is_503(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    async def down() -> None:
        raise ConnectionRefusedError

    use_probes(app, {"redis": down, "mongo": down})
    body = assert_envelope(await client.get("/health/ready"), 503, ErrorType.SERVICE_UNAVAILABLE)
    states = {name: health["state"] for name, health in body["data"]["backends"].items()}
    assert states == {"redis": "down", "mongo": "degraded"}


class TestProbeTimeout:
    """A probe that fails or hangs past `probe_timeout_seconds` is down."""

    @pytest.fixture
    def settings(self, make_settings: MakeSettings) -> Settings:
        """Settings with a short probe timeout, so a hanging probe is cut off quickly."""
        short = AppSettings(environment=Environment.TEST, probe_timeout_seconds=0.05)
        return make_settings(app=short)

    @pytest.mark.parametrize("failure", ["raises", "hangs"])
    async def test_ready_is_503_when_one_is_down(
        self, app: FastAPI, client: httpx.AsyncClient, failure: str
    ) -> None:
        async def up() -> None:
            return None

        async def down() -> None:
            if failure == "raises":
                raise ConnectionRefusedError("10.0.0.1:5432 password=hunter2")
            await asyncio.sleep(3600)

        use_probes(app, {"alpha": up, "beta": down})
        response = await client.get("/health/ready")
        body = assert_envelope(response, 503, ErrorType.SERVICE_UNAVAILABLE)
        states = {name: health["state"] for name, health in body["data"]["backends"].items()}
        assert states == {"alpha": "up", "beta": "down"}
        assert "hunter2" not in response.text
