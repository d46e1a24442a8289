"""PyMongo's spans: the instrumentation must be in place before the app makes its client."""

import asyncio

from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from app.core.telemetry import tracing
from app.database.mongo import create_mongo
from app.settings import DatabaseSettings


def test_mongo_clients_made_inside_the_instrumentation_are_traced() -> None:
    telemetry = tracing(InMemorySpanExporter(), batch=False)
    dead = DatabaseSettings(mongo_url="mongodb://127.0.0.1:1/x", connect_timeout_seconds=0.1)
    # PyMongo copies its global listeners into a client when the client is made, which is
    # why the app enters this before it opens its backends.
    with telemetry.instrumented():
        store = create_mongo(dead)
    try:
        listeners = {type(listener).__name__ for listener in store.client.options.event_listeners}
        assert "CommandTracer" in listeners
    finally:
        asyncio.run(store.close())
