"""The span filter every exporter sits behind: what it drops, masks and keeps."""

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Status, StatusCode

from app.core.redaction import REDACTED, RedactingSpanExporter, redact_attributes

JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"
BCRYPT = "$2b$04$abcdefghijklmnopqrstuuM3Ffd1qGz2I3uRk0kC0kCkXjV4i7cXa"


def test_submitted_values_are_dropped_and_query_values_masked() -> None:
    kept = redact_attributes(
        {
            "query": 'mutation { login(password: "hunter2") }',
            "graphql.param.password": "hunter2",
            "http.request.header.authorization": "Bearer x",
            "url.query": "access_token=abc&page=2",
            "url.full": "https://h/p?token=abc#frag",
            "http.route": "/api/v1/users/{user_id}",
            "db.statement": "SELECT users.id FROM users WHERE users.username = ?",
        }
    )
    assert kept == {
        "url.query": f"access_token={REDACTED}&page={REDACTED}",
        "url.full": f"https://h/p?token={REDACTED}",
        "http.route": "/api/v1/users/{user_id}",
        "db.statement": "SELECT users.id FROM users WHERE users.username = ?",
    }


def test_tokens_and_hashes_are_masked_wherever_they_appear() -> None:
    kept = redact_attributes(
        {
            "a": f"token {JWT} seen",
            "b": f"hash={BCRYPT}",
            "c": "bearer abc.def",
            "d": ["fine", JWT],
            "e": 7,
        }
    )
    assert kept == {"a": REDACTED, "b": REDACTED, "c": REDACTED, "d": ["fine", REDACTED], "e": 7}


def test_exception_events_and_status_texts_keep_only_the_type() -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(RedactingSpanExporter(exporter)))
    with provider.get_tracer("t").start_as_current_span("work") as span:
        span.record_exception(ValueError("duplicate key (email)=(ann@example.com)"))
        span.set_status(Status(StatusCode.ERROR, "Key (email)=(ann@example.com) exists"))
    [exported] = exporter.get_finished_spans()
    [event] = exported.events
    assert event.name == "exception"
    assert dict(event.attributes or {}) == {
        "exception.type": "ValueError",
        "exception.escaped": "False",
    }
    assert exported.status.status_code is StatusCode.ERROR
    assert exported.status.description is None
