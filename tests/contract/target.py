"""The app under contract: built once per session and served in process through one client."""

import asyncio
import shutil
import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, cast

import pytest
import schemathesis
from fastapi import FastAPI
from schemathesis.python import asgi
from schemathesis.specs.openapi.schemas import OpenApiSchema

from app.main import create_app
from app.settings import AppSettings, AuthSettings, DatabaseSettings, Environment, Settings
from tests.contract import reference

# Small, so oversized-body strategies stay cheap (the 413 logic does not depend on the size),
# yet above every body the document calls valid: 2000 characters of description are 24 KB
# once JSON escapes them as `\ud83d\ude00` pairs.
MAX_BODY_BYTES = 65536

# schemathesis' default statuses that refuse invalid input, plus 413 (its 5xx only means "not
# accepted" here: not_a_server_error fails those).
REFUSALS = [
    *("400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429"),
    "5xx",
]

# schemathesis settings as a config document (the same keys a `schemathesis.toml` takes).
SCHEMATHESIS_CONFIG: dict[str, Any] = {
    # Both modes: valid inputs must succeed in the envelope, invalid ones fail in it.
    "generation": {"mode": "all"},
    "phases": {
        "examples": {"enabled": True},
        "coverage": {"enabled": True},
        "fuzzing": {"enabled": True},
        # Stateful links need resources to chain; each operation is fuzzed on its own instead.
        "stateful": {"enabled": False},
    },
    "checks": {
        # 413 refuses a body over MAX_BODY_BYTES, which this app keeps small (below some
        # documented maxLength values): a refusal like the default list's 4xx.
        "negative_data_rejection": {"expected-statuses": REFUSALS},
    },
}


@dataclass
class LifespanCount:
    """How often the app's lifespan started and stopped: the suite expects exactly once."""

    startups: int = 0
    shutdowns: int = 0


@dataclass(frozen=True)
class ContractTarget:
    """The app, its one long-lived client, its OpenAPI schema and how it was started."""

    app: FastAPI
    client: asgi.ASGIClient
    schema: OpenApiSchema
    lifespans: LifespanCount
    backend: str


REAL_BACKEND_UNSUPPORTED = (
    "--backend=real is not supported by the contract tier yet: it runs on the embedded "
    "backends only. Use `nox -s integration` for real servers."
)


def contract_settings(backend: str) -> Settings:
    """Settings of the app under contract: embedded backends in this session's directory."""
    if backend != "fake":
        raise ValueError(f"unsupported backend {backend!r}")
    # Per session, outside the working tree: a run leaves no database files behind and never
    # reads the ones a previous run (or `nox -s dev`) wrote under var/.
    directory = _session_directory()
    return Settings(
        app=AppSettings(environment=Environment.TEST, max_body_bytes=MAX_BODY_BYTES),
        # bcrypt's floor: generated logins and registrations hash on every case.
        auth=AuthSettings(bcrypt_rounds=4),
        database=DatabaseSettings(
            postgres_url=f"sqlite+aiosqlite:///{directory / 'postgres.sqlite3'}",
            # fusion:mysql begin
            mysql_url=f"sqlite+aiosqlite:///{directory / 'mysql.sqlite3'}",
            # fusion:mysql end
            mongo_url="memory://",
            redis_url="memory://",
        ),
    )


@cache
def _session_directory() -> Path:
    # Removed by `stop_all`, after every lifespan has closed its files.
    return Path(tempfile.mkdtemp(prefix="fusion-contract-"))


def count_lifespans(app: FastAPI) -> LifespanCount:
    """Wrap the app's lifespan so the suite can prove it ran once for the whole session."""
    count = LifespanCount()
    original: Callable[[Any], AbstractAsyncContextManager[Any]] = app.router.lifespan_context

    @asynccontextmanager
    async def counted(served: Any) -> AsyncIterator[Any]:
        count.startups += 1
        # The auth hook mints accounts and sessions on the loop the app's clients live on.
        served.state.contract_loop = asyncio.get_running_loop()
        async with original(served) as state:
            yield state
        count.shutdowns += 1

    app.router.lifespan_context = counted
    return count


def serve(app: FastAPI, backend: str) -> ContractTarget:
    """Start `app` in process and load its OpenAPI document through the same lifespan."""
    lifespans = count_lifespans(app)
    # Entering starts the lifespan on schemathesis' event-loop thread, where every request of
    # the session then runs; later clients of the same app reuse it instead of restarting it.
    # schemathesis types ASGI apps with plain dicts where Starlette uses MutableMapping.
    client = asgi.get_client(cast(Any, app)).__enter__()
    config = schemathesis.Config.from_dict(SCHEMATHESIS_CONFIG)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config)
    return ContractTarget(app, client, schema, lifespans, backend)


_shutdown_lifespans = asgi.shutdown_lifespans


def _keep_lifespans() -> None:
    """Stand-in for schemathesis' per-test shutdown: the contract app lives for the session."""


def keep_lifespans_for_session() -> None:
    """Stop schemathesis' pytest plugin from ending the app's lifespan after every test."""
    # Its `pytest_runtest_teardown` calls `asgi.shutdown_lifespans()` after each item, so the
    # next request would start the lifespan again; the meta-test proves it started once.
    asgi.shutdown_lifespans = _keep_lifespans


def stop_all() -> None:
    """Run the shutdown half of every lifespan started in this process; delete its files."""
    _shutdown_lifespans()
    if _session_directory.cache_info().currsize:
        shutil.rmtree(_session_directory(), ignore_errors=True)


_backend = "fake"


def select_backend(backend: str) -> None:
    """Choose the backend before the first `contract_target()` call (from `pytest_configure`)."""
    # Loudly, not silently on fakes: a run asked for real servers must not pass without them.
    if backend == "real":
        raise pytest.UsageError(REAL_BACKEND_UNSUPPORTED)
    # Set once per process, before collection builds the app.
    global _backend
    contract_settings(backend)
    _backend = backend


@cache
def contract_target() -> ContractTarget:
    """The one app of the session: the real factory's app plus the reference routes."""
    app = create_app(contract_settings(_backend))
    app.include_router(reference.router)
    return serve(app, _backend)
