"""Introspection and GraphiQL: on in development, off in test and production."""

from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager

from app.core.errors import ErrorType
from app.core.i18n import MessageKey, translate
from app.graphql.schema import build_schema
from app.main import create_app
from app.settings import (
    AppSettings,
    AuthSettings,
    DatabaseSettings,
    Environment,
    GraphQLSettings,
    Settings,
)
from tests.unit.graphql.assertions import every_error

INTROSPECT = {"query": "{ __schema { queryType { name } } }"}


def _settings(
    environment: Environment,
    database: DatabaseSettings,
    auth: AuthSettings,
    graphql: GraphQLSettings | None = None,
) -> Settings:
    return Settings(
        app=AppSettings(environment=environment),
        database=database,
        auth=auth,
        graphql=graphql or GraphQLSettings(),
    )


async def _client_for(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with LifespanManager(create_app(settings)) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client


@pytest.fixture
async def development(
    database_settings: DatabaseSettings, auth_settings: AuthSettings
) -> AsyncIterator[httpx.AsyncClient]:
    async for client in _client_for(
        _settings(Environment.DEVELOPMENT, database_settings, auth_settings)
    ):
        yield client


async def test_introspection_on_in_development(development: httpx.AsyncClient) -> None:
    response = await development.post("/graphql", json=INTROSPECT)
    assert response.json() == {"data": {"__schema": {"queryType": {"name": "Query"}}}}


async def test_graphiql_served_in_development(development: httpx.AsyncClient) -> None:
    response = await development.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "graphiql" in response.text.lower()


async def test_development_suggests_field_names(development: httpx.AsyncClient) -> None:
    response = await development.post("/graphql", json={"query": "{ mee { id } }"})
    assert "Did you mean" in response.json()["errors"][0]["extensions"]["data"][0]["msg"]


async def test_introspection_off_in_test(running: httpx.AsyncClient) -> None:
    # The test environment behaves as production: what CI checks is what ships.
    response = await running.post("/graphql", json=INTROSPECT)
    errors = every_error(response, ErrorType.VALIDATION_ERROR)
    assert "data" not in response.json()  # never executed: no `data` key
    [issue] = errors[0]["extensions"]["data"]
    assert issue["type"] == "graphql_validation"
    assert issue["msg"] == translate(MessageKey.ISSUE_GRAPHQL_DOCUMENT, "en")


async def test_development_keeps_graphql_core_text(development: httpx.AsyncClient) -> None:
    # Developers need the names graphql-core quotes; only development shows them.
    response = await development.post("/graphql", json={"query": "{ zzsecretfield }"})
    [issue] = response.json()["errors"][0]["extensions"]["data"]
    assert issue["type"] == "graphql_validation"
    assert "zzsecretfield" in issue["msg"]


async def test_no_graphiql_and_no_suggestions_in_test(running: httpx.AsyncClient) -> None:
    page = await running.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 400
    assert "graphiql" not in page.text.lower()
    response = await running.post("/graphql", json={"query": "{ mee { id } }"})
    assert "Did you mean" not in response.text


def test_introspection_off_in_production_by_default() -> None:
    assert GraphQLSettings().introspection_enabled(Environment.PRODUCTION) is False
    assert GraphQLSettings().introspection_enabled(Environment.TEST) is False
    assert GraphQLSettings().introspection_enabled(Environment.DEVELOPMENT) is True
    assert GraphQLSettings(introspection=True).introspection_enabled(Environment.TEST) is True


async def test_production_schema_refuses_introspection() -> None:
    # Production settings need real servers, so the production schema is checked directly.
    schema = build_schema(GraphQLSettings(), Environment.PRODUCTION)
    result = await schema.execute(INTROSPECT["query"])
    assert result.data is None
    assert result.errors
    assert "introspection" in result.errors[0].message.lower()


def test_production_refuses_introspection_switched_on(
    database_settings: DatabaseSettings, auth_settings: AuthSettings
) -> None:
    with pytest.raises(ValueError, match="GRAPHQL_INTROSPECTION"):
        _settings(
            Environment.PRODUCTION,
            database_settings,
            auth_settings,
            GraphQLSettings(introspection=True),
        )
