"""A circuit breaker: once a backend is known down, callers skip it instead of waiting on it.

Closed: calls go through; `failure_threshold` failures in a row open it. Open: calls are
skipped at once for `reset_seconds`. Half-open: then exactly one call goes through as a
probe while the others are still skipped; its success closes the breaker, its failure opens
it for another `reset_seconds`. The state is in `circuit_breaker_state{breaker}`.
"""

import time
from collections.abc import Callable
from enum import IntEnum

from app.core.metrics import BREAKER_REJECTED, BREAKER_STATE


class BreakerState(IntEnum):
    """The breaker's state; the value is what the gauge shows."""

    CLOSED = 0
    HALF_OPEN = 1
    OPEN = 2


class CircuitBreaker:
    """Decides, per call, whether to try a backend (not thread-safe: one event loop)."""

    def __init__(
        self,
        name: str,
        *,
        failure_threshold: int = 3,
        reset_seconds: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self._threshold = failure_threshold
        self._reset_seconds = reset_seconds
        self._clock = clock
        self._failures = 0
        self._opened_at = 0.0
        self._probing = False
        self._probe_started = 0.0
        self._state = BreakerState.CLOSED
        self._gauge = BREAKER_STATE.labels(name)
        self._rejected = BREAKER_REJECTED.labels(name)
        self._gauge.set(BreakerState.CLOSED)

    @property
    def state(self) -> BreakerState:
        """The current state (an open breaker past its reset time reads as half-open)."""
        if self._state is BreakerState.OPEN and self._cooled_down():
            return BreakerState.HALF_OPEN
        return self._state

    def allow(self) -> bool:
        """Whether this call may try the backend; a skipped call is counted."""
        if self._state is BreakerState.OPEN and self._cooled_down():
            self._move(BreakerState.HALF_OPEN)
        if self._state is BreakerState.CLOSED:
            return True
        # A probe that never reported (its request was cancelled) is replaced after a while.
        stale = self._clock() - self._probe_started >= self._reset_seconds
        if self._state is BreakerState.HALF_OPEN and (not self._probing or stale):
            self._probing = True  # this call is the probe; the others wait for its outcome
            self._probe_started = self._clock()
            return True
        self._rejected.inc()
        return False

    def succeeded(self) -> None:
        """The call worked: the backend is back (or never left)."""
        self._failures = 0
        self._probing = False
        if self._state is not BreakerState.CLOSED:
            self._move(BreakerState.CLOSED)

    def failed(self) -> None:
        """The call found the backend down."""
        self._failures += 1
        self._probing = False
        if self._state is BreakerState.HALF_OPEN or self._failures >= self._threshold:
            self._opened_at = self._clock()
            self._move(BreakerState.OPEN)

    def _cooled_down(self) -> bool:
        return self._clock() - self._opened_at >= self._reset_seconds

    def _move(self, state: BreakerState) -> None:
        self._state = state
        self._gauge.set(state)
