"""Every listing keeps one contract: offset/limit, `{items, total, offset, limit}`, no strays.

The routes are read from the live app, so a listing added tomorrow is held to it unedited.
"""

import re
import types
import typing
from datetime import datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from pydantic import BaseModel

from app.api.pagination import PageOut
from app.core.envelope import Envelope
from app.core.errors import ErrorType
from app.core.routing import EnvelopeRoute, declared_query_names
from tests.contract.routes import GRAPHQL_PATHS, STANDARD_FORMAT_PATHS
from tests.envelope import assert_envelope

PAGE_FIELDS = {"items", "total", "offset", "limit"}
UNKNOWN = "no_such_parameter"


def api_routes(app: FastAPI) -> list[APIRoute]:
    """The app's REST routes (not GraphQL, not the standard-format exceptions)."""
    return [
        route
        for route in app.routes
        if isinstance(route, APIRoute) and route.path not in GRAPHQL_PATHS | STANDARD_FORMAT_PATHS
    ]


def payload_type(route: APIRoute) -> Any:
    """What the route's envelope carries in `data`."""
    model = route.response_model
    assert isinstance(model, type), f"{route.path}: {model}"
    assert issubclass(model, Envelope), f"{route.path}: {model}"
    return model.model_fields["data"].annotation


def is_collection(annotation: Any) -> bool:
    """A bare list, or a model that looks like a page of items."""
    if typing.get_origin(annotation) in (list, tuple, set):
        return True
    return (
        isinstance(annotation, type)
        and issubclass(annotation, BaseModel)
        and ("items" in annotation.model_fields)
    )


def models_in(annotation: Any) -> list[type[BaseModel]]:
    """Every pydantic model reachable from `annotation` (through lists, unions, pages)."""
    found: list[type[BaseModel]] = []
    pending = [annotation]
    while pending:
        current = pending.pop()
        if isinstance(current, type) and issubclass(current, BaseModel):
            if current not in found:
                found.append(current)
                pending.extend(field.annotation for field in current.model_fields.values())
        elif typing.get_origin(current) in (list, tuple, set, typing.Union, types.UnionType):
            pending.extend(typing.get_args(current))
    return found


@pytest.fixture
def routes(app: FastAPI) -> list[APIRoute]:
    return api_routes(app)


def test_there_are_listings_to_check(routes: list[APIRoute]) -> None:
    listings = [route.path for route in routes if is_collection(payload_type(route))]
    assert {"/api/v1/categories", "/api/v1/admin/users", "/api/v1/auth/sessions"} <= set(listings)


def test_every_listing_is_an_offset_limit_page(routes: list[APIRoute]) -> None:
    wrong = []
    for route in routes:
        data = payload_type(route)
        if not is_collection(data):
            continue
        if not (isinstance(data, type) and issubclass(data, PageOut)):
            wrong.append(f"{route.path}: data is {data}, not a PageOut")
        elif set(data.model_fields) != PAGE_FIELDS:
            wrong.append(f"{route.path}: page fields {sorted(data.model_fields)}")
        if not {"offset", "limit"} <= declared_query_names(route.dependant):
            wrong.append(f"{route.path}: does not take offset and limit")
    assert wrong == []


def test_every_timestamp_is_a_datetime(routes: list[APIRoute]) -> None:
    # Sent as ISO 8601 strings by pydantic; an `int` epoch here is what the contract forbids.
    wrong = [
        f"{model.__name__}.{name}: {field.annotation}"
        for route in routes
        for model in models_in(payload_type(route))
        for name, field in model.model_fields.items()
        if re.search(r"(_at|_on|timestamp)$", name) and field.annotation is not datetime
    ]
    assert wrong == []


def test_every_rest_route_uses_the_checking_route_class(routes: list[APIRoute]) -> None:
    assert [route.path for route in routes if not isinstance(route, EnvelopeRoute)] == []


async def test_every_route_refuses_an_unknown_query_parameter(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    checked = 0
    for route in api_routes(app):
        # The check runs before path validation and auth: any path value reaches it.
        path = re.sub(r"\{[^}]+\}", "x", route.path)
        for method in sorted(set(route.methods or ()) - {"HEAD"}):
            response = await client.request(method, path, params={UNKNOWN: "1"})
            body = assert_envelope(response, 422, ErrorType.VALIDATION_ERROR)
            assert [issue["loc"] for issue in body["data"]] == [["query", UNKNOWN]], path
            checked += 1
    assert checked >= 20
