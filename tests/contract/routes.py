"""The app's HTTP routes as `(METHOD, path template)` pairs: what the contract must cover."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import fastapi.routing
from fastapi import FastAPI, params
from starlette.routing import BaseRoute, Match

# Framework-served documentation: FastAPI writes these bodies itself (a schema, HTML pages),
# they are not API responses and cannot carry the envelope. Nothing else may be listed here.
FRAMEWORK_DOCS_PATHS = frozenset({"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"})

# Routes whose body a standard fixes, so they cannot carry the envelope. Each entry needs its
# reason beside it and its own test of that format: these paths leave every contract check
# and the meta-test.
STANDARD_FORMAT_PATHS: frozenset[str] = frozenset(
    {
        # RFC 7517 §5 JWK Set: JWKS clients read `keys` at the root (test_jwks_format.py).
        "/.well-known/jwks.json",
    }
)

# Operator endpoints outside the API: Prometheus's text exposition at /metrics (its format is
# Prometheus's, it is left out of OpenAPI and answered only to METRICS_ALLOWED_NETWORKS, others
# get the 404 envelope). tests/unit/test_metrics.py checks its format and its refusal.
OPERATOR_PATHS = frozenset({"/metrics"})

# Where the GraphQL transport is mounted. Its answers follow GraphQL-over-HTTP (200 with
# `errors[]` carrying the envelope in `extensions`), not the REST envelope, and it is left out
# of OpenAPI; `test_graphql_contract.py` covers it per root field instead of per route.
GRAPHQL_PATHS = frozenset({"/graphql"})

# Every method a client can put on the request line (CONNECT is a proxy's business).
HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE")
# Unregistered tokens are valid methods too (RFC 9110 §9.1); routers must refuse them alike.
EXTENSION_METHODS = ("PURGE", "QUERY", "LINK")

RouteKey = tuple[str, str]


@dataclass(frozen=True)
class HttpRoute:
    """One HTTP route of the app, flattened through included routers."""

    path: str
    methods: frozenset[str]
    path_params: tuple[str, ...]
    reads_body: bool
    endpoint: Any
    # Reads an HTML form (OAuth2 password login) rather than JSON.
    reads_form: bool = False
    # FastAPI's path parameter fields (name, field_info), for deciding which values are valid.
    path_fields: tuple[Any, ...] = ()

    def route_keys(self) -> list[RouteKey]:
        """The `(METHOD, path)` pairs this route answers."""
        return [(method, self.path) for method in sorted(self.methods)]


def _route_contexts(app: FastAPI) -> Iterator[Any]:
    # FastAPI >= 0.16x keeps included routers as branches; older versions list routes flat.
    iterate = getattr(fastapi.routing, "iter_route_contexts", None)
    if iterate is None:
        yield from app.routes
    else:
        yield from iterate(app.routes)


def http_routes(app: FastAPI) -> list[HttpRoute]:
    """Every REST route of `app` (not the framework's documentation pages, not GraphQL)."""
    routes = []
    for context in _route_contexts(app):
        methods = getattr(context, "methods", None)
        # WebSocket routes have no methods and no HTTP response to check.
        if not methods:
            continue
        path = context.path_format
        if path in FRAMEWORK_DOCS_PATHS or path in STANDARD_FORMAT_PATHS or path in GRAPHQL_PATHS:
            continue
        if path in OPERATOR_PATHS:
            continue
        routes.append(
            HttpRoute(
                path=path,
                methods=frozenset(method.upper() for method in methods),
                path_params=tuple(getattr(context, "param_convertors", {}) or ()),
                reads_body=getattr(context, "body_field", None) is not None,
                reads_form=isinstance(
                    getattr(getattr(context, "body_field", None), "field_info", None), params.Form
                ),
                endpoint=context.endpoint,
                path_fields=tuple(getattr(getattr(context, "dependant", None), "path_params", ())),
            )
        )
    return routes


def required_keys(app: FastAPI) -> set[RouteKey]:
    """Every `(METHOD, path)` pair the contract suite must exercise."""
    return {key for route in http_routes(app) for key in route.route_keys()}


def allowed_methods(app: FastAPI) -> dict[str, frozenset[str]]:
    """Each path and the union of the methods its routes accept."""
    allowed: dict[str, frozenset[str]] = {}
    for route in http_routes(app):
        allowed[route.path] = allowed.get(route.path, frozenset()) | route.methods
    return allowed


def matches_any_route(app: FastAPI, path: str) -> bool:
    """Whether the router would route `path` (for some method) rather than answer 404."""
    scope = {"type": "http", "path": path, "method": "GET", "root_path": "", "headers": []}
    routes: list[BaseRoute] = app.router.routes
    return any(route.matches(scope)[0] is not Match.NONE for route in routes)


def serves_graphql(app: FastAPI) -> bool:
    """Whether a GraphQL transport is mounted on `app`."""
    paths = {getattr(context, "path_format", None) for context in _route_contexts(app)}
    return bool(paths & GRAPHQL_PATHS)
