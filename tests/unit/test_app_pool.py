"""The app pool gives a test an app as `create_app` made it, or a new one: never a changed one."""

from collections.abc import Callable

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import APIRouter, FastAPI, Request, Response
from starlette.middleware.gzip import GZipMiddleware

from app.depends import get_language
from app.resources import LifespanNotRunError, resources_of, settings_of
from app.settings import AppSettings, Settings
from tests.harness.app_pool import AppPool


def test_an_app_left_untouched_serves_the_next_test_with_equal_settings(
    settings: Settings,
) -> None:
    pool = AppPool()
    with pool.app(settings) as first:
        pass
    with pool.app(settings.model_copy()) as second:
        assert second is first
    assert (pool.built, pool.reused) == (1, 1)


def test_other_settings_get_their_own_app(settings: Settings) -> None:
    pool = AppPool()
    bigger = AppSettings(environment=settings.environment, max_body_bytes=2048)
    other = settings.model_copy(update={"app": bigger})
    assert other != settings
    with pool.app(settings) as first:
        pass
    with pool.app(other) as second:
        assert second is not first
        assert settings_of(second) is other


def test_probe_routers_are_built_in_and_part_of_the_key(settings: Settings) -> None:
    pool = AppPool()
    probe = APIRouter(prefix="/_probe")
    probe.add_api_route("/ping", _ping, name="probe_ping")
    with pool.app(settings, (probe,)) as probed:
        assert probed.url_path_for("probe_ping") == "/_probe/ping"
    with pool.app(settings) as plain:
        assert plain is not probed
    with pool.app(settings, (probe,)) as again:
        assert again is probed


def test_an_app_in_use_is_not_handed_out_twice(settings: Settings) -> None:
    pool = AppPool()
    with pool.app(settings) as first, pool.app(settings) as second:
        assert second is not first


async def _ping() -> None:
    """A probe route."""


async def _raise_not_found(request: Request, exc: Exception) -> Response:
    return Response(status_code=404)


def _router_with_a_route() -> APIRouter:
    # An empty router adds nothing: the app copies included routes into its own table.
    router = APIRouter()
    router.add_api_route("/pool-probe", _pool_probe)
    return router


async def _pool_probe() -> dict[str, str]:
    return {}


CHANGES: dict[str, Callable[[FastAPI], object]] = {
    "router included": lambda app: app.include_router(_router_with_a_route()),
    "middleware added": lambda app: app.add_middleware(GZipMiddleware),
    "dependency overridden": lambda app: app.dependency_overrides.update({get_language: str}),
    "exception handler added": lambda app: app.add_exception_handler(KeyError, _raise_not_found),
    "attribute replaced": lambda app: setattr(app, "title", "changed"),
    "startup hook added": lambda app: app.router.on_startup.append(lambda: None),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_an_app_a_test_changed_is_dropped(
    settings: Settings, change: Callable[[FastAPI], object]
) -> None:
    pool = AppPool()
    with pool.app(settings) as first:
        change(first)
    with pool.app(settings) as second:
        assert second is not first
    assert pool.built == 2


async def test_a_used_app_comes_back_as_create_app_left_it(settings: Settings) -> None:
    pool = AppPool()
    with pool.app(settings) as first:
        async with LifespanManager(first) as manager:
            transport = httpx.ASGITransport(app=manager.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                assert (await client.get("/health/live")).status_code == 200
                document = (await client.get("/openapi.json")).json()
        first.state.left_behind = True
        first.openapi()["paths"].clear()
    with pool.app(settings) as second:
        assert second is first
        # Nothing the last run put on the state, no built middleware, no cached document.
        assert not hasattr(second.state, "left_behind")
        with pytest.raises(LifespanNotRunError):
            resources_of(second)
        assert settings_of(second) is settings
        assert second.middleware_stack is None
        assert second.openapi() == document
        # As on a new app, middleware may still be added before it starts.
        second.add_middleware(GZipMiddleware)
