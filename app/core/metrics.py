"""Prometheus metrics: what an operator watches, with labels that stay few.

Every label value comes from a closed set (route templates, status classes, backend roles),
never from the request itself, so ids in paths cannot multiply the series.

Several workers: prometheus-client's multiprocess mode. Set `PROMETHEUS_MULTIPROC_DIR` to an
empty directory before the workers start; each worker then writes its values there and
`/metrics`, whichever worker answers it, sums them (`livesum` gauges count live workers only).
"""

import os
import time
from collections.abc import Callable
from typing import Final, ParamSpec, TypeVar

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead

# Methods outside this set are counted as `_OTHER`: a client may send any token as a method.
KNOWN_METHODS: Final = frozenset(
    {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT", "QUERY"}
)
# The route label of a request no route matched (404s of unknown paths).
UNMATCHED_ROUTE: Final = "unmatched"

REQUESTS = Counter(
    "http_requests",
    "HTTP requests answered, by route template and status class.",
    ["method", "route", "status_class"],
)
REQUEST_DURATION = Histogram(
    "http_request_duration_seconds",
    "Time to answer an HTTP request, by route template and status class.",
    ["method", "route", "status_class"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
SQL_POOL_IN_USE = Gauge(
    "sql_pool_connections_in_use",
    "SQL connections checked out of the pool, per role.",
    ["role"],
    multiprocess_mode="livesum",
)
SQL_POOL_WAITING = Gauge(
    "sql_pool_waiting",
    "Requests waiting for a SQL connection, per role.",
    ["role"],
    multiprocess_mode="livesum",
)
REDIS_POOL_IN_USE = Gauge(
    "redis_pool_connections_in_use",
    "Redis connections in use.",
    multiprocess_mode="livesum",
)
REDIS_POOL_IDLE = Gauge(
    "redis_pool_connections_idle",
    "Redis connections open and idle in the pool.",
    multiprocess_mode="livesum",
)
BCRYPT_QUEUE_DEPTH = Gauge(
    "bcrypt_queue_depth",
    "Password hashes queued for or running on a bcrypt worker thread.",
    multiprocess_mode="livesum",
)
BCRYPT_WAIT = Histogram(
    "bcrypt_queue_wait_seconds",
    "Time a password hash waited for a free bcrypt worker thread.",
    buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
LOGIN_REFUSALS = Counter(
    "login_limiter_refusals",
    "Login attempts refused by the rate limiter (429), per realm.",
    ["realm"],
)
SESSIONS_REVOKED = Counter(
    "sessions_revoked",
    "Sessions ended before their expiry: one by one (`session`) or all of an account (`account`).",
    ["scope"],
)
BREAKER_STATE = Gauge(
    "circuit_breaker_state",
    "State of a circuit breaker: 0 closed, 1 half-open, 2 open (the worst worker's).",
    ["breaker"],
    multiprocess_mode="livemax",
)
BREAKER_REJECTED = Counter(
    "circuit_breaker_rejected",
    "Calls a breaker skipped without trying the backend, per breaker.",
    ["breaker"],
)


def status_class(status: int) -> str:
    """`2xx`, `4xx`...: the status label (exact statuses stay in the access log)."""
    return f"{status // 100}xx"


# The labelled children per (method, route, status): `.labels()` takes a lock and builds
# tuples, most of the cost of counting a request. Bounded: every part comes from a closed set.
_REQUEST_SERIES: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    """Count one answered request under its route template."""
    if method not in KNOWN_METHODS:
        method = "_OTHER"
    key = (method, route, status)
    series = _REQUEST_SERIES.get(key)
    if series is None:
        labels = (method, route, status_class(status))
        series = _REQUEST_SERIES[key] = (
            REQUESTS.labels(*labels),
            REQUEST_DURATION.labels(*labels),
        )
    series[0].inc()
    series[1].observe(seconds)


P = ParamSpec("P")
T = TypeVar("T")


def bcrypt_wait_timed(work: Callable[P, T]) -> Callable[P, T]:
    """`work`, recording into `bcrypt_queue_wait_seconds` how long it waited for a thread."""
    queued = time.perf_counter()

    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        BCRYPT_WAIT.observe(time.perf_counter() - queued)
        return work(*args, **kwargs)

    return run


def worker_stopped() -> None:
    """In multiprocess mode, drop this worker's live gauges (called as its lifespan ends).

    A worker that crashes cannot do this: its gauges stay in the sums until the directory is
    emptied, which is why it is emptied at each deploy.
    """
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]  # unannotated upstream


def exposition() -> tuple[bytes, str]:
    """The text exposition of every metric (summed over workers in multiprocess mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # A fresh registry per scrape is how multiprocess mode reads the workers' files.
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]  # unannotated upstream
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
