"""OpenTelemetry traces, configured only by the standard `OTEL_*` variables, decided once.

Tracing is on when an OTLP endpoint is given (`OTEL_EXPORTER_OTLP_ENDPOINT` or
`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) and neither `OTEL_SDK_DISABLED=true` nor
`OTEL_TRACES_EXPORTER=none` says otherwise. Then FastAPI's native telemetry makes the server
and operation spans, and the SQLAlchemy, redis and pymongo instrumentations (and strawberry's
extension) make their children. Everything else (service name, resource attributes, sampler,
batching, headers, timeouts) is read by the OpenTelemetry SDK from its own variables.

When tracing is off, nothing is instrumented and FastAPI's telemetry is switched off in its
config, so a request pays one boolean check. Logs are never exported through OpenTelemetry:
FastAPI's telemetry logs carry exception messages, and the JSON logs already carry the ids.
"""

import os
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from fastapi.telemetry import TelemetryConfig
from opentelemetry.instrumentation.pymongo import PymongoInstrumentor
from opentelemetry.instrumentation.redis import RedisInstrumentor
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExporter
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.redaction import RedactingSpanExporter

# FastAPI's telemetry, all off: what an app without tracing passes (no provider lookups).
TELEMETRY_OFF: TelemetryConfig = {
    "tracing": False,
    "metrics": False,
    "logs": False,
    "auto_configure": False,
}
# Paths that are not traced: scrapes and probes would drown the requests that matter.
UNTRACED_PATHS = frozenset({"/metrics", "/health/live", "/health/ready"})
_ENDPOINTS = ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT")
_PROTOCOLS = ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL")


def _untraced(scope: MutableMapping[str, Any]) -> bool:
    return scope.get("path") in UNTRACED_PATHS


@dataclass(frozen=True)
class Telemetry:
    """A tracer provider whose spans all leave through the redacting exporter."""

    tracer_provider: TracerProvider

    def fastapi_config(self) -> TelemetryConfig:
        """FastAPI's native telemetry: HTTP and operation spans on our provider, no logs."""
        return {
            "tracer_provider": self.tracer_provider,
            "tracing": True,
            "operation_spans": True,
            # Request metrics are Prometheus's (app/core/metrics.py); FastAPI's logs would export
            # exception messages, which may quote submitted values.
            "metrics": False,
            "logs": False,
            "auto_configure": False,
            "exclude": _untraced,
        }

    @contextmanager
    def instrumented(self) -> Iterator[None]:
        """Instrument redis-py and PyMongo for the lifespan; enter it before any client exists."""
        provider = self.tracer_provider
        instrumentors: list[Any] = [RedisInstrumentor()]
        # fusion:mongo begin
        instrumentors.append(PymongoInstrumentor())
        # fusion:mongo end
        for instrumentor in instrumentors:
            # Redis spans name the command only (`GET ?`); PyMongo's the command and collection.
            instrumentor.instrument(tracer_provider=provider)
        try:
            yield
        finally:
            for instrumentor in instrumentors:
                instrumentor.uninstrument()
            provider.force_flush()

    @contextmanager
    def instrumented_sql(self, engines: Iterable[AsyncEngine]) -> Iterator[None]:
        """Instrument these SQL engines for the lifespan: statements with placeholders only."""
        instrumentor = SQLAlchemyInstrumentor()
        instrumentor.instrument(
            engines=[engine.sync_engine for engine in engines],
            tracer_provider=self.tracer_provider,
            enable_commenter=False,
            # It declares SQLAlchemy < 2.1; 2.1 keeps the engine events it listens to, and
            # tests/behaviour/test_tracing.py fails if the SQL spans ever stop coming.
            skip_dep_check=True,
        )
        try:
            yield
        finally:
            instrumentor.uninstrument()


def tracing(exporter: SpanExporter, *, batch: bool = True) -> Telemetry:
    """Telemetry exporting through `exporter` behind the redaction (tests pass an in-memory one)."""
    # Resource.create reads OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES; the provider reads
    # OTEL_TRACES_SAMPLER(_ARG) and the batch processor OTEL_BSP_*.
    provider = TracerProvider(resource=Resource.create())
    redacting = RedactingSpanExporter(exporter)
    processor: SpanProcessor = (
        BatchSpanProcessor(redacting) if batch else SimpleSpanProcessor(redacting)
    )
    provider.add_span_processor(processor)
    return Telemetry(tracer_provider=provider)


def tracing_requested(environ: Mapping[str, str]) -> bool:
    """Whether the `OTEL_*` variables ask for traces; a setting this app cannot honour fails."""
    if environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    exporter = environ.get("OTEL_TRACES_EXPORTER", "otlp").strip().lower() or "otlp"
    if exporter == "none":
        return False
    if exporter != "otlp":
        raise ValueError(f"OTEL_TRACES_EXPORTER={exporter} is not supported: use otlp or none")
    if not any(environ.get(name, "").strip() for name in _ENDPOINTS):
        return False
    protocol = next((environ[name] for name in _PROTOCOLS if environ.get(name)), "http/protobuf")
    if protocol.strip() != "http/protobuf":
        raise ValueError(f"OTLP protocol {protocol} is not supported: use http/protobuf")
    return True


def telemetry_from_environment(environ: Mapping[str, str] | None = None) -> Telemetry | None:
    """OTLP tracing as the `OTEL_*` variables configure it, or None when they ask for none."""
    environ = os.environ if environ is None else environ
    if not tracing_requested(environ):
        return None
    # Imported only when used: the exporter pulls in protobuf and requests.
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    # The exporter reads its endpoint, headers, timeout and compression from OTEL_*.
    return tracing(OTLPSpanExporter())
