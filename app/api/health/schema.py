"""Health payloads."""

from enum import StrEnum

from pydantic import BaseModel


class BackendState(StrEnum):
    """Whether one backend answered its probe in time."""

    UP = "up"
    # An optional backend that did not answer: some routes fail, the instance stays ready.
    DEGRADED = "degraded"
    DOWN = "down"


class Liveness(BaseModel):
    """The process is serving requests."""

    alive: bool = True


class BackendHealth(BaseModel):
    """One backend's state and how long its probe took (until the timeout when it hung)."""

    state: BackendState
    latency_ms: float


class Readiness(BaseModel):
    """Each configured backend, its state and its probe latency."""

    backends: dict[str, BackendHealth]
