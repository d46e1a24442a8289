"""`FusionAPI` copies included routers flat, and the copies behave as FastAPI's inclusion."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Depends, FastAPI
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute

from app.core.application import FusionAPI
from app.core.envelope import Envelope, error_responses, success
from app.core.errors import ErrorType
from app.core.routing import EnvelopeRoute
from app.main import create_app
from app.settings import Settings


async def greeting() -> str:
    return "hello"


Greeting = Annotated[str, Depends(greeting)]


def sample_router() -> APIRouter:
    router = APIRouter(prefix="/items", tags=["items"], route_class=EnvelopeRoute)

    @router.get("/{item_id}", responses=error_responses(ErrorType.NOT_FOUND))
    async def get_item(item_id: int, text: Greeting) -> Envelope[str]:
        """One item."""
        return success(f"{text} {item_id}", "en")

    @router.post("", status_code=201, deprecated=True)
    async def create_item() -> Envelope[None]:
        """Make an item."""
        return success(None, "en", ErrorType.RESOURCE_CREATED)

    return router


def build(app: FastAPI) -> FastAPI:
    app.include_router(sample_router(), prefix="/api")
    return app


async def get(app: FastAPI, path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        return await client.get(path)


def test_routes_are_copied_flat() -> None:
    app = build(FusionAPI(responses=error_responses()))
    copies = [route for route in app.router.routes if isinstance(route, APIRoute)]
    assert [(route.path, route.methods) for route in copies] == [
        ("/api/items/{item_id}", {"GET"}),
        ("/api/items", {"POST"}),
    ]
    assert all(type(route) is EnvelopeRoute for route in copies)
    assert all(route.dependency_overrides_provider is app for route in copies)


def test_openapi_matches_fastapis_inclusion() -> None:
    copied = build(FusionAPI(title="t", responses=error_responses())).openapi()
    nested = build(FastAPI(title="t", responses=error_responses())).openapi()
    assert copied == nested


def test_the_reference_apps_routes_are_all_flat(settings: Settings) -> None:
    app = create_app(settings)
    flat = (Route, WebSocketRoute)
    assert all(isinstance(route, flat) for route in app.router.routes), [
        type(route).__name__ for route in app.router.routes if not isinstance(route, flat)
    ]


async def test_copied_routes_serve_and_honour_overrides() -> None:
    app = build(FusionAPI())
    assert (await get(app, "/api/items/7")).json()["data"] == "hello 7"

    async def other() -> str:
        return "bye"

    app.dependency_overrides[greeting] = other
    assert (await get(app, "/api/items/7")).json()["data"] == "bye 7"


async def test_a_router_with_its_own_lifespan_is_nested_so_its_lifespan_runs() -> None:
    events: list[str] = []

    @asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        events.append("started")
        yield

    router = APIRouter(lifespan=lifespan)

    @router.get("/ping")
    async def ping() -> str:
        return "pong"

    app = FusionAPI()
    app.include_router(router)
    assert not any(isinstance(route, APIRoute) for route in app.router.routes)
    async with app.router.lifespan_context(app):
        assert events == ["started"]
    assert (await get(app, "/ping")).json() == "pong"


async def test_a_prefixed_starlette_route_is_nested_under_its_prefix() -> None:
    async def plain(_request: Request) -> PlainTextResponse:
        return PlainTextResponse("plain")

    router = APIRouter()
    router.routes.append(Route("/plain", plain))
    app = FusionAPI()
    app.include_router(router, prefix="/under")
    assert (await get(app, "/under/plain")).text == "plain"
    assert (await get(app, "/plain")).status_code == 404
