"""The app class: FastAPI with included routers copied flat into the app's route table.

FastAPI 0.16x keeps an included router as a branch that is resolved on every request: each
branch before the right one is walked twice (to match, then to handle) with scope
bookkeeping around every candidate, about a third of the Python calls of a small request.
Copying each route into the app's own table, as FastAPI did before 0.16x, routes a request
with one pass of path matches. The copies are built with the options an inclusion gives
them, so OpenAPI, `Allow` headers and dependency overrides see the same routes.
"""

from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute, APIWebSocketRoute
from starlette.routing import BaseRoute, Route, WebSocketRoute

# Private, but the only way to tell "no lifespan of its own" (what FastAPI gives a router
# created without one) from a lifespan that a copy would drop.
from fastapi.routing import _DefaultLifespan  # isort: skip


class FusionAPI(FastAPI):
    """A FastAPI app whose `include_router` copies the routes instead of nesting the router."""

    def include_router(self, router: APIRouter, *, prefix: str = "", **options: Any) -> None:
        """Add `router`'s routes under `prefix`; what a copy cannot carry nests as FastAPI does."""
        if options or not _copyable(router, prefix):
            super().include_router(router, prefix=prefix, **options)
            return
        for route in router.routes:
            if isinstance(route, APIRoute):
                self.router.add_api_route(
                    prefix + route.path,
                    route.endpoint,
                    route_class_override=type(route),
                    **api_route_options(route),
                )
            elif isinstance(route, APIWebSocketRoute):
                self.router.add_api_websocket_route(
                    prefix + route.path,
                    route.endpoint,
                    name=route.name,
                    dependencies=route.dependencies,
                )
            else:
                # A plain Starlette route (unprefixed, see `_copyable`) takes nothing from
                # the app: the same object serves.
                self.router.routes.append(route)


def api_route_options(route: APIRoute) -> dict[str, Any]:
    """The options that rebuild `route` (path, endpoint and class aside) on another router."""
    return {
        "response_model": route.response_model,
        "status_code": route.status_code,
        "tags": route.tags,
        "dependencies": route.dependencies,
        "summary": route.summary,
        "description": route.description,
        "response_description": route.response_description,
        "responses": route.responses,
        "deprecated": route.deprecated,
        "methods": route.methods,
        "operation_id": route.operation_id,
        "response_model_include": route.response_model_include,
        "response_model_exclude": route.response_model_exclude,
        "response_model_by_alias": route.response_model_by_alias,
        "response_model_exclude_unset": route.response_model_exclude_unset,
        "response_model_exclude_defaults": route.response_model_exclude_defaults,
        "response_model_exclude_none": route.response_model_exclude_none,
        "include_in_schema": route.include_in_schema,
        "response_class": route.response_class,
        "name": route.name,
        "callbacks": route.callbacks,
        "openapi_extra": route.openapi_extra,
        "generate_unique_id_function": route.generate_unique_id_function,
        "strict_content_type": route.strict_content_type,
        "max_body_size": route.max_body_size,
        "form_limits": route.form_limits,
    }


def _copyable(router: APIRouter, prefix: str) -> bool:
    # A malformed prefix goes to FastAPI, which reports it.
    if prefix and (not prefix.startswith("/") or prefix.endswith("/")):
        return False
    if router.on_startup or router.on_shutdown:
        return False
    if not isinstance(router.lifespan_context, _DefaultLifespan):
        return False
    return all(_route_copyable(route, prefix) for route in router.routes)


def _route_copyable(route: BaseRoute, prefix: str) -> bool:
    if isinstance(route, APIRoute | APIWebSocketRoute):
        return True
    # Nested routers, mounts and hosts carry their own context, and a prefixed Starlette
    # route needs a new path: those nest the FastAPI way.
    return not prefix and type(route) in (Route, WebSocketRoute)
