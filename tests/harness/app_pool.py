"""Hands each test an app as `create_app` made it, reusing apps that earlier tests left so.

Building the app is most of what an API test costs: `create_app` builds the GraphQL schema,
and FastAPI builds every route's validators and serializers (hundreds of pydantic adapters)
per app, on its first request. That was over half the unit tier's CPU time. An app depends
only on its settings, and a test's lifespan opens and closes every backend client, so an app
whose earlier test is over is as good as a new one, provided that test changed nothing on it.

Isolation is kept by checking, not by trust: after each test, every attribute of the app and
of its router is compared by identity with what `create_app` left, and so is every item of
their lists and dicts (routes, middleware, exception handlers, dependency overrides...). An
app a test changed (a probe router included, middleware added, an override set) is dropped;
only what every run changes is put back: `app.state` (the lifespan fills it), the built
middleware stack (so `add_middleware` works again) and the cached OpenAPI document (a test
may have edited the dict it was given).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, FastAPI
from starlette.datastructures import State

from app.core.logging import configure_logging
from app.main import create_app
from app.settings import Settings

# What every run changes and `restore` puts back (FastAPI's OpenAPI cache key with the
# document); every other attribute must be left as it was.
RESTORED = frozenset({"state", "middleware_stack", "openapi_schema", "_openapi_routes_version"})


def _snapshot(obj: object) -> dict[str, tuple[Any, tuple[Any, ...] | None]]:
    """Each attribute with the items it holds: references, so no id can be reused meanwhile."""
    snapshot: dict[str, tuple[Any, tuple[Any, ...] | None]] = {}
    for name, value in vars(obj).items():
        if name in RESTORED:
            continue
        items: tuple[Any, ...] | None = None
        if isinstance(value, dict):
            items = tuple(item for pair in value.items() for item in pair)
        elif isinstance(value, list | tuple | set | frozenset):
            items = tuple(value)
        snapshot[name] = (value, items)
    return snapshot


def _same(before: dict[str, tuple[Any, tuple[Any, ...] | None]], obj: object) -> bool:
    """Whether `obj` still holds exactly what `before` recorded (identity, item by item)."""
    after = _snapshot(obj)
    if after.keys() != before.keys():
        return False
    for name, (value, items) in before.items():
        now, now_items = after[name]
        if now is not value:
            return False
        if items is None or now_items is None:
            continue  # not a container: the identity check above says it all
        if len(items) != len(now_items) or any(
            a is not b for a, b in zip(items, now_items, strict=True)
        ):
            return False
    return True


@dataclass(eq=False)
class _Built:
    """An app, what it was built from and what building it left on it."""

    settings: Settings
    routers: tuple[APIRouter, ...]
    app: FastAPI
    state: dict[str, Any]
    app_attributes: dict[str, tuple[Any, tuple[Any, ...] | None]]
    router_attributes: dict[str, tuple[Any, tuple[Any, ...] | None]]

    @classmethod
    def create(cls, settings: Settings, routers: tuple[APIRouter, ...]) -> "_Built":
        """Build an app serving `routers` too, and record its pristine state."""
        app = create_app(settings)
        for router in routers:
            app.include_router(router)
        return cls(
            settings=settings,
            routers=routers,
            app=app,
            # Starlette's State has no public way to list what it holds.
            state=dict(app.state._state),
            app_attributes=_snapshot(app),
            router_attributes=_snapshot(app.router),
        )

    def untouched(self) -> bool:
        """Whether the test left every attribute and container as `create_app` made them."""
        return _same(self.app_attributes, self.app) and _same(
            self.router_attributes, self.app.router
        )

    def restore(self) -> None:
        """Put back what every run changes: state, built middleware, cached OpenAPI."""
        self.app.state = State(dict(self.state))
        self.app.middleware_stack = None
        # FastAPI regenerates the document when this is empty, whatever its version says.
        self.app.openapi_schema = None


@dataclass
class AppPool:
    """Apps no test is using, each as `create_app` made it (one pool per pytest process)."""

    idle: list[_Built] = field(default_factory=list)
    built: int = 0
    reused: int = 0

    @contextmanager
    def app(self, settings: Settings, routers: tuple[APIRouter, ...] = ()) -> Iterator[FastAPI]:
        """An app for `settings` also serving `routers`, kept for later if left untouched."""
        entry = next(
            (e for e in self.idle if e.settings == settings and e.routers == routers), None
        )
        if entry is None:
            entry = _Built.create(settings, routers)
            self.built += 1
        else:
            self.idle.remove(entry)
            # `create_app` sets the log levels from the settings; another app since may not have.
            configure_logging(settings.app.log_level)
            self.reused += 1
        yield entry.app
        if entry.untouched():
            entry.restore()
            self.idle.append(entry)
