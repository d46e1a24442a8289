"""What a span may carry out of the process: a filter in front of every span exporter.

The instrumentations record more than an operator needs and some of it is secret: the
GraphQL document and resolver arguments (a password typed inline), query strings (a token),
exception messages and span status texts (a driver's message quotes the duplicate value it
refused, SQLAlchemy's quotes bound parameters). Spans are rewritten here, at the one door
they all leave by, so no instrumentation can bypass it:

- attributes that hold submitted values are dropped; a query string keeps its names only;
- span events keep their name and `exception.type`, never a message or a stack trace;
- a status keeps its code, never its description;
- any remaining text that looks like a bearer token, a JWT or a password hash is replaced.
"""

import re
from collections.abc import Sequence
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from opentelemetry.sdk.trace import Event, ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult
from opentelemetry.trace import Status
from opentelemetry.util.types import AttributeValue

REDACTED = "REDACTED"

# Attributes whose value is what a client sent (strawberry's `query` is the whole document).
DROPPED_ATTRIBUTES = frozenset({"query", "graphql.query", "graphql.document", "http.request.body"})
DROPPED_PREFIXES = (
    "graphql.param.",  # strawberry's resolver arguments
    "http.request.header.",
    "http.response.header.",
    "db.query.parameter.",
    "db.operation.parameter.",
)
# Of an exception event, only the type leaves: messages quote values, stack traces locals.
EVENT_ATTRIBUTES = frozenset({"exception.type", "exception.escaped"})
# Bearer credentials, JWTs (three base64url parts, the first `{"` encoded) and modular-crypt
# password hashes ($2b$..., $argon2id$...).
_SECRET_TEXT = re.compile(
    r"(?i:bearer\s+\S+)|eyJ[\w-]*\.[\w-]+\.[\w-]*|\$(?:2[abxy]?|argon2(?:id|i|d)|pbkdf2[\w-]*)\$\S+"
)


def _redact_query(query: str) -> str:
    return urlencode([(name, REDACTED) for name, _ in parse_qsl(query, keep_blank_values=True)])


def _scrub(value: AttributeValue) -> AttributeValue:
    if isinstance(value, str):
        return REDACTED if _SECRET_TEXT.search(value) else value
    if isinstance(value, Sequence) and value and isinstance(value[0], str):
        return [REDACTED if _SECRET_TEXT.search(str(item)) else str(item) for item in value]
    return value


def redact_attributes(attributes: dict[str, AttributeValue]) -> dict[str, AttributeValue]:
    """The attributes a span may export (see the module docstring)."""
    kept: dict[str, AttributeValue] = {}
    for key, value in attributes.items():
        if key in DROPPED_ATTRIBUTES or key.startswith(DROPPED_PREFIXES):
            continue
        if key == "url.query" and isinstance(value, str):
            kept[key] = _redact_query(value)
        elif key == "url.full" and isinstance(value, str):
            parts = urlsplit(value)
            kept[key] = urlunsplit(parts._replace(query=_redact_query(parts.query), fragment=""))
        else:
            kept[key] = _scrub(value)
    return kept


def redact_span(span: ReadableSpan) -> ReadableSpan:
    """A copy of `span` holding nothing secret."""
    events = [
        Event(
            event.name,
            {k: v for k, v in (event.attributes or {}).items() if k in EVENT_ATTRIBUTES},
            event.timestamp,
        )
        for event in span.events
    ]
    return ReadableSpan(
        name=span.name,
        context=span.context,
        parent=span.parent,
        resource=span.resource,
        attributes=redact_attributes(dict(span.attributes or {})),
        events=events,
        links=span.links,
        kind=span.kind,
        status=Status(span.status.status_code),
        start_time=span.start_time,
        end_time=span.end_time,
        instrumentation_scope=span.instrumentation_scope,
    )


class RedactingSpanExporter(SpanExporter):
    """Passes every span through `redact_span` before the wrapped exporter sees it."""

    def __init__(self, exporter: SpanExporter) -> None:
        self._exporter = exporter

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        """Export the redacted copies."""
        return self._exporter.export([redact_span(span) for span in spans])

    def shutdown(self) -> None:
        """Shut the wrapped exporter down."""
        self._exporter.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        """Flush the wrapped exporter."""
        return self._exporter.force_flush(timeout_millis)
