"""What the running app holds: its settings, and the resources its lifespan builds.

`create_app` stores the settings and the lifespan stores one frozen `Resources`; everything
else reads them through `settings_of` and `resources_of`, typed, never as `app.state` items.
A test that swaps one component attaches a copy: `dataclasses.replace(resources_of(app), ...)`.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.requests import HTTPConnection

from app.api.auth.lifespan import AuthResources
from app.core.breaker import CircuitBreaker
from app.database.backends import Backends, Probe
from app.settings import Settings


@dataclass(frozen=True)
class Resources:
    """Everything the lifespan opens or builds, held for the app's lifetime."""

    backends: Backends
    # The readiness probe of each backend, by the name `/health/ready` reports.
    probes: Mapping[str, Probe]
    # The SQL engines by role, for the pool gauges and SQL tracing.
    sql_engines: Mapping[str, AsyncEngine]
    # Audit writes skip a MongoDB known to be down instead of waiting on every request.
    audit_breaker: CircuitBreaker
    auth: AuthResources


class LifespanNotRunError(RuntimeError):
    """The app's resources were asked for before its lifespan built them."""


def _app_of(holder: Starlette | HTTPConnection) -> Starlette:
    app: Starlette = holder.app if isinstance(holder, HTTPConnection) else holder
    return app


def settings_of(holder: Starlette | HTTPConnection) -> Settings:
    """The settings the app (of a request) was built with; there from `create_app` on."""
    settings = getattr(_app_of(holder).state, "settings", None)
    if not isinstance(settings, Settings):
        raise TypeError("this app was not built by app.main.create_app: it holds no settings")
    return settings


def resources_of(holder: Starlette | HTTPConnection) -> Resources:
    """The resources of the app (of a request); fails clearly before its lifespan has run."""
    resources = getattr(_app_of(holder).state, "resources", None)
    if not isinstance(resources, Resources):
        raise LifespanNotRunError(
            "the app's resources are built by its lifespan, which has not run: start the app"
            " (uvicorn, or asgi_lifespan.LifespanManager in a test) before serving requests"
        )
    return resources


def attach_settings(app: Starlette, settings: Settings) -> None:
    """Give `app` its settings (`create_app` does, before any lifespan)."""
    app.state.settings = settings


def attach_resources(app: Starlette, resources: Resources) -> None:
    """Give `app` its resources: the lifespan's, or a test's copy with one component swapped."""
    app.state.resources = resources
