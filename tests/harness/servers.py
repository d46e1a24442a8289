"""Where each real backend comes from: a TEST_*_URL, else a testcontainer, else nowhere."""

import os
from collections.abc import Callable
from dataclasses import dataclass, field

from app.settings import DatabaseSettings
from tests.harness import containers

# One backend per URL the app's settings take (`postgres_url` -> `postgres`), in their order.
BACKENDS = tuple(
    name.removesuffix("_url") for name in DatabaseSettings.model_fields if name.endswith("_url")
)
ALLOW_MISSING_VARIABLE = "TEST_ALLOW_MISSING"


def url_variable(backend: str) -> str:
    """The environment variable that names `backend`'s server, e.g. `TEST_POSTGRES_URL`."""
    return f"TEST_{backend.upper()}_URL"


def allowed_missing() -> frozenset[str]:
    """Backends whose absence is a skip rather than a failure (`TEST_ALLOW_MISSING=a,b`)."""
    listed = os.environ.get(ALLOW_MISSING_VARIABLE, "")
    return frozenset(item.strip().lower() for item in listed.split(",") if item.strip())


@dataclass
class Server:
    """A reachable server: an admin URL the harness may create throwaway databases with."""

    backend: str
    url: str
    origin: str


@dataclass
class Servers:
    """Finds each backend's server once per run and stops the containers it started."""

    docker: bool | None = None
    found: dict[str, Server | str] = field(default_factory=dict)
    stops: list[Callable[[], None]] = field(default_factory=list)

    def get(self, backend: str) -> Server | str:
        """The server for `backend`, or the reason there is none."""
        if backend not in self.found:
            self.found[backend] = self._find(backend)
        return self.found[backend]

    def _find(self, backend: str) -> Server | str:
        variable = url_variable(backend)
        url = os.environ.get(variable, "").strip()
        if url:
            return Server(backend, url, variable)
        if self.docker is None:
            self.docker = containers.docker_answers()
        if not self.docker:
            return f"{backend}: {variable} is not set and no Docker engine answers"
        url, stop = containers.start(backend)
        self.stops.append(stop)
        return Server(backend, url, "testcontainers")

    def stop_all(self) -> None:
        """Stop every container this run started."""
        while self.stops:
            self.stops.pop()()
