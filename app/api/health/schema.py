"""Health payloads."""

from enum import StrEnum

from pydantic import BaseModel


class BackendState(StrEnum):
    """Whether one backend answered its probe in time."""

    UP = "up"
    DOWN = "down"


class Liveness(BaseModel):
    """The process is serving requests."""

    alive: bool = True


class Readiness(BaseModel):
    """Each configured backend and its state."""

    backends: dict[str, BackendState]
