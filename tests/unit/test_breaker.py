"""The circuit breaker's states, and the audit trail skipping a store known to be down."""

from typing import Any

from prometheus_client import REGISTRY

from app.api.auth.audit import AuditEventType, AuditTrail
from app.core.breaker import BreakerState, CircuitBreaker
from app.core.errors import ConflictError, ServiceUnavailableError
from app.core.security.tokens import Realm


class Clock:
    """A hand-driven monotonic clock."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def state_of(breaker: CircuitBreaker) -> BreakerState:
    """The breaker's state, read through a call (mypy would keep an earlier comparison's type)."""
    return breaker.state


def opened_once(name: str) -> tuple[Clock, CircuitBreaker]:
    """A breaker that one failure opens for 10 s, opened, and its clock at the probe time."""
    clock = Clock()
    breaker = CircuitBreaker(name, failure_threshold=1, reset_seconds=10, clock=clock)
    breaker.failed()
    clock.now += 10
    return clock, breaker


def gauge(name: str) -> float | None:
    return REGISTRY.get_sample_value("circuit_breaker_state", {"breaker": name})


def rejected(name: str) -> float:
    return REGISTRY.get_sample_value("circuit_breaker_rejected_total", {"breaker": name}) or 0.0


def test_closed_until_the_threshold_of_failures_in_a_row() -> None:
    breaker = CircuitBreaker("t-threshold", failure_threshold=3, clock=Clock())
    for _ in range(2):
        assert breaker.allow()
        breaker.failed()
    assert state_of(breaker) is BreakerState.CLOSED
    breaker.succeeded()  # a success starts the count again
    for _ in range(2):
        breaker.failed()
    assert state_of(breaker) is BreakerState.CLOSED
    breaker.failed()
    assert state_of(breaker) is BreakerState.OPEN
    assert gauge("t-threshold") == BreakerState.OPEN


def test_open_skips_calls_then_lets_one_probe_through() -> None:
    clock = Clock()
    breaker = CircuitBreaker("t-probe", failure_threshold=1, reset_seconds=10, clock=clock)
    breaker.failed()
    before = rejected("t-probe")
    assert not breaker.allow()
    assert not breaker.allow()
    assert rejected("t-probe") == before + 2

    clock.now += 10
    assert state_of(breaker) is BreakerState.HALF_OPEN
    assert breaker.allow()  # the probe
    assert gauge("t-probe") == BreakerState.HALF_OPEN
    assert not breaker.allow()  # the others wait for its outcome
    breaker.succeeded()
    assert state_of(breaker) is BreakerState.CLOSED
    assert gauge("t-probe") == BreakerState.CLOSED
    assert breaker.allow()


def test_a_failed_probe_opens_it_again_for_a_full_period() -> None:
    clock, breaker = opened_once("t-reopen")
    assert breaker.allow()
    breaker.failed()
    assert state_of(breaker) is BreakerState.OPEN
    clock.now += 9
    assert not breaker.allow()
    clock.now += 1
    assert breaker.allow()


def test_a_probe_that_never_reports_is_replaced() -> None:
    clock, breaker = opened_once("t-lost")
    assert breaker.allow()  # this probe's request is cancelled: no outcome ever arrives
    assert not breaker.allow()
    clock.now += 10
    assert breaker.allow()


class DownStore:
    """An audit store that is unreachable (or, with `refuse`, answers with a refusal)."""

    def __init__(self, error: Exception) -> None:
        self.calls = 0
        self.error = error

    async def record(self, **event: Any) -> object:
        self.calls += 1
        raise self.error


async def test_the_audit_trail_stops_calling_a_store_known_to_be_down() -> None:
    clock = Clock()
    store = DownStore(ServiceUnavailableError())
    breaker = CircuitBreaker("t-audit", failure_threshold=2, reset_seconds=15, clock=clock)
    trail = AuditTrail(store, breaker)
    for _ in range(5):
        await trail.record(AuditEventType.LOGOUT, Realm.USER, actor=1)
    assert store.calls == 2  # the rest were skipped without waiting on the store
    assert state_of(breaker) is BreakerState.OPEN

    clock.now += 15
    store.error = ConflictError()  # the store answers again (with a refusal): it is back
    await trail.record(AuditEventType.LOGOUT, Realm.USER, actor=1)
    assert store.calls == 3
    assert state_of(breaker) is BreakerState.CLOSED


async def test_refused_writes_do_not_trip_the_breaker() -> None:
    store = DownStore(ConflictError())
    breaker = CircuitBreaker("t-refused", failure_threshold=1, clock=Clock())
    trail = AuditTrail(store, breaker)
    for _ in range(3):
        await trail.record(AuditEventType.LOGOUT, Realm.USER, actor=1)
    assert store.calls == 3
    assert state_of(breaker) is BreakerState.CLOSED
