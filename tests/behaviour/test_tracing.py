"""Traces: the spans a request makes, the trace id in the logs, and nothing secret exported.

On fakes in the unit tier and on real servers in the integration tier, where PostgreSQL's
error messages quote the values they refuse.
"""

import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from sqlalchemy import text

from app.core.errors import ErrorType
from app.core.telemetry import tracing
from app.main import create_app
from app.resources import resources_of
from app.settings import Settings
from tests.behaviour.accounts import PASSWORD, Accounts, bearer, unique
from tests.envelope import assert_envelope


@dataclass(frozen=True)
class Traced:
    """A running app whose spans go (redacted, as to OTLP) into an in-memory exporter."""

    app: FastAPI
    client: httpx.AsyncClient
    exporter: InMemorySpanExporter

    def spans(self) -> tuple[ReadableSpan, ...]:
        """Every span exported so far."""
        return self.exporter.get_finished_spans()


@pytest.fixture
async def traced(app: FastAPI, settings: Settings) -> AsyncIterator[Traced]:
    # `app` is requested for its cleanup only: it empties the SQL tables this app writes to.
    exporter = InMemorySpanExporter()
    traced_app = create_app(settings, tracing(exporter, batch=False))
    async with LifespanManager(traced_app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield Traced(traced_app, client, exporter)


def descendants(spans: tuple[ReadableSpan, ...], root: ReadableSpan) -> list[ReadableSpan]:
    """The spans under `root`, at any depth."""
    ids = {root.context.span_id}
    found: list[ReadableSpan] = []
    changed = True
    while changed:
        changed = False
        for span in spans:
            parent = span.parent
            if parent is not None and parent.span_id in ids and span.context.span_id not in ids:
                ids.add(span.context.span_id)
                found.append(span)
                changed = True
    return found


def exported_text(spans: tuple[ReadableSpan, ...]) -> str:
    """Everything a span exporter would send, as one string to search."""
    parts: list[str] = []
    for span in spans:
        parts.append(span.name)
        parts.append(json.dumps(dict(span.attributes or {}), default=str))
        parts.append(str(span.status.description))
        parts.append(json.dumps(dict(span.resource.attributes), default=str))
        for event in span.events:
            parts.append(event.name)
            parts.append(json.dumps(dict(event.attributes or {}), default=str))
        for link in span.links:
            parts.append(json.dumps(dict(link.attributes or {}), default=str))
    return "\n".join(parts)


def access_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """The access log lines of the test's call phase."""
    return [record for record in caplog.get_records("call") if record.name == "app.access"]


async def test_users_me_is_a_server_span_with_sql_and_redis_children(
    traced: Traced, caplog: pytest.LogCaptureFixture
) -> None:
    user = await Accounts(traced.client, traced.app).user()
    traced.exporter.clear()

    with caplog.at_level(logging.INFO, logger="app.access"):
        response = await traced.client.get("/api/v1/users/me", headers=user.headers)
    assert_envelope(response, 200)

    spans = traced.spans()
    servers = [s for s in spans if s.kind is SpanKind.SERVER and s.name.startswith("GET ")]
    assert [s.name for s in servers] == ["GET /api/v1/users/me"]
    server = servers[0]
    assert server.attributes is not None
    assert server.attributes["http.route"] == "/api/v1/users/me"
    assert server.attributes["http.response.status_code"] == 200
    children = descendants(spans, server)
    systems = {(child.attributes or {}).get("db.system") for child in children}
    assert "redis" in systems, [c.name for c in children]
    # The embedded PostgreSQL role is SQLite through SQLAlchemy: same instrumentation.
    assert systems & {"postgresql", "sqlite"}, [c.name for c in children]
    # FastAPI's operation spans: dependencies and the endpoint.
    assert {"fastapi.dependencies", "fastapi.endpoint"} <= {c.name for c in children}

    line = access_lines(caplog)[-1]
    assert line.getMessage() == "GET /api/v1/users/me 200"
    assert line.__dict__["trace_id"] == format(server.context.trace_id, "032x")
    assert line.__dict__["request_id"] == response.headers["x-request-id"]


async def test_graphql_operations_are_spans_without_their_document(traced: Traced) -> None:
    response = await traced.client.post(
        "/graphql", json={"query": 'query Named { category(slug: "needle-4711") { name } }'}
    )
    assert response.status_code == 200
    spans = traced.spans()
    names = {span.name for span in spans}
    assert "GraphQL Query: Named" in names
    assert "GraphQL Resolving: category" in names
    assert "needle-4711" not in exported_text(spans)


async def test_nothing_secret_reaches_an_exported_span(traced: Traced) -> None:
    accounts = Accounts(traced.client, traced.app)
    username = unique("secretive")
    email = f"{username}@example.com"
    await accounts.register(username, email)
    session = await accounts.login(username, PASSWORD)
    async with resources_of(traced.app).backends.postgres.engine.connect() as connection:
        stored_hash = (
            await connection.execute(
                text("SELECT password_hash FROM users WHERE username = :u"), {"u": username}
            )
        ).scalar_one()

    # A request with a token, in the header and (as some clients do) in the query string.
    me = await traced.client.get("/api/v1/users/me", headers=session.headers)
    assert_envelope(me, 200)
    # An undeclared query parameter is refused (422), but the request is still traced.
    in_query = await traced.client.get(
        f"/api/v1/users/me?access_token={session.access}", headers=session.headers
    )
    assert_envelope(in_query, 422)
    # A failed login, a duplicate registration (a driver refusing it would quote the value) and a
    # 422 on the password field.
    wrong = "wrong-Password-31337"
    failed = await traced.client.post(
        "/api/v1/auth/login", json={"username": username, "password": wrong}
    )
    assert failed.status_code == 401
    duplicate = await traced.client.post(
        "/api/v1/auth/register",
        json={"username": username, "email": email, "password": "Another-Passw0rd-424242"},
    )
    assert duplicate.status_code == 409
    too_long = "L0ng-" + "x" * 80
    invalid = await traced.client.post(
        "/api/v1/auth/register",
        json={"username": unique("u"), "email": "a@example.com", "password": too_long},
    )
    assert_envelope(invalid, 422, ErrorType.VALIDATION_ERROR)
    refreshed = await traced.client.post(
        "/api/v1/auth/refresh", json={"refresh_token": session.refresh}
    )
    assert refreshed.status_code == 200
    await traced.client.post("/api/v1/auth/logout", headers=bearer(session.access))

    exported = exported_text(traced.spans())
    assert traced.spans(), "nothing was traced, so nothing was checked"
    secrets = {
        "password": PASSWORD,
        "wrong password": wrong,
        "password of the 409": "Another-Passw0rd-424242",
        "password of the 422": too_long,
        "access token": session.access,
        "refresh token": session.refresh,
        "new refresh token": refreshed.json()["data"]["refresh_token"],
        "password hash": stored_hash,
        "username (a submitted value)": username,
        "email (a submitted value)": email,
    }
    leaked = [name for name, value in secrets.items() if value in exported]
    assert leaked == []
    assert "Bearer" not in exported


async def test_a_crash_logs_its_trace_id_beside_the_request_id(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    exporter = InMemorySpanExporter()
    crashing = create_app(settings, tracing(exporter, batch=False))

    @crashing.get("/crash")
    async def crash() -> None:
        raise RuntimeError("boom")

    transport = httpx.ASGITransport(app=crashing)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        with caplog.at_level(logging.ERROR, logger="app.errors"):
            response = await client.get("/crash")
    assert_envelope(response, 500, ErrorType.INTERNAL_ERROR)
    [record] = [r for r in caplog.records if r.name == "app.errors"]
    [server] = [s for s in exporter.get_finished_spans() if s.kind is SpanKind.SERVER]
    trace_id = format(server.context.trace_id, "032x")
    assert record.__dict__["trace_id"] == trace_id
    assert record.__dict__["request_id"] == response.headers["x-request-id"]
    assert f"trace_id={trace_id}" in record.getMessage()
    # The exception's message stays in the log, never in the exported span.
    assert "boom" not in exported_text(exporter.get_finished_spans())


async def test_without_tracing_the_access_log_carries_no_trace_id(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="app.access"):
        await client.get("/health/live")
    [line] = access_lines(caplog)
    assert "trace_id" not in line.__dict__
