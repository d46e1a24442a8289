"""Tracing is configured by the standard OTEL_* variables only, and is off without them."""

import pytest

# Imported at collection, where sockets are still allowed: urllib3 (under the OTLP exporter's
# HTTP session) opens a socket on first import to learn whether IPv6 works.
import urllib3.util.connection  # noqa: F401
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

from app.core.telemetry import TELEMETRY_OFF, telemetry_from_environment, tracing_requested
from app.main import create_app
from app.settings import Settings

ENDPOINT = {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}


@pytest.mark.parametrize(
    ("environ", "wanted"),
    [
        ({}, False),
        (ENDPOINT, True),
        ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4318/v1/traces"}, True),
        ({**ENDPOINT, "OTEL_SDK_DISABLED": "true"}, False),
        ({**ENDPOINT, "OTEL_TRACES_EXPORTER": "none"}, False),
        ({**ENDPOINT, "OTEL_TRACES_EXPORTER": "otlp"}, True),
        ({"OTEL_TRACES_EXPORTER": "otlp"}, False),
    ],
)
def test_tracing_follows_the_otel_variables(environ: dict[str, str], wanted: bool) -> None:
    assert tracing_requested(environ) is wanted


@pytest.mark.parametrize(
    "environ",
    [
        {**ENDPOINT, "OTEL_TRACES_EXPORTER": "zipkin"},
        {**ENDPOINT, "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"},
    ],
)
def test_a_setting_that_cannot_be_honoured_fails_at_startup(environ: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="not supported"):
        tracing_requested(environ)


def test_an_endpoint_gives_an_otlp_pipeline() -> None:
    telemetry = telemetry_from_environment(ENDPOINT)
    assert telemetry is not None
    assert isinstance(OTLPSpanExporter, type)
    config = telemetry.fastapi_config()
    assert config["tracer_provider"] is telemetry.tracer_provider
    # FastAPI's telemetry logs would export exception messages: never on.
    assert config["logs"] is False
    telemetry.tracer_provider.shutdown()


def test_without_an_endpoint_fastapi_telemetry_is_off(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    app = create_app(settings)
    # FastAPI then skips its telemetry wrapper on every request after one boolean test.
    assert app._telemetry == {**app._telemetry, **TELEMETRY_OFF}
    assert not app._native_telemetry.enabled()
