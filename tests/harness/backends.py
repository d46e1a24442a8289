"""The harness's table of backends: how each one is stood in for, provisioned, emptied, dropped.

A backend is named by its settings field (`postgres_url` -> `postgres`); each has one spec
here, registered by the module that knows it (the SQL roles and Redis in this file, MongoDB
in `mongo_fixtures.py`). `RunBackends` is the one place that builds them for a run.
"""

import asyncio
import sqlite3
from collections.abc import Callable, Coroutine
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import MetaData, delete
from sqlalchemy.dialects.sqlite import dialect as sqlite_dialect

from app.database.migrations import migrate
from app.database.redis import create_redis
from app.database.sql import SQLDatabase, create_sql_database
from app.models.postgres import PostgresBase
from app.settings import DatabaseSettings
from tests.harness import throwaway
from tests.harness.servers import BACKENDS, Server, Servers, allowed_missing

SQLITE = sqlite_dialect()
T = TypeVar("T")
# A step of a spec: a coroutine the harness runs with `asyncio.run`.
Step = Coroutine[Any, Any, T]


@dataclass(frozen=True)
class Backend:
    """Where one backend lives for this run: a URL, or why its tests are skipped."""

    name: str
    url: str | None
    real: bool
    missing: str | None = None

    def require(self) -> str:
        """The URL, or skip the test (the reason shows in the `-ra` summary)."""
        if self.url is None:
            pytest.skip(self.missing or f"{self.name} unavailable")
        return self.url


def in_memory(directory: Path) -> str:
    """The URL of a stand-in that lives in the process (fakeredis, the Mongo shim)."""
    del directory  # nothing on disk
    return "memory://"


async def _nothing(url: str) -> None:
    del url  # a store with no schema to build


@dataclass(frozen=True)
class BackendSpec:
    """One backend's row of the table: each step the harness takes with it."""

    name: str
    # (server's admin URL, run name) -> the URL of the run's own database or key prefix.
    provision: Callable[[str, str], Step[str]]
    # (server's admin URL, run name): remove what `provision` made.
    drop: Callable[[str, str], Step[None]]
    # (server's admin URL, name): what of `name` is still on the server, or None.
    leftover: Callable[[str, str], Step[str | None]]
    # (URL, run name): empty what a test wrote, keeping the schema.
    empty: Callable[[str, str], Step[None]]
    # The in-process stand-in's URL for a run whose files go in a directory.
    embedded: Callable[[Path], str] = in_memory
    # On a fresh URL (stand-in or provisioned): build the schema.
    prepare: Callable[[str], Step[None]] = _nothing
    # The SQL roles' tables, from the models.
    metadata: MetaData | None = None


SPECS: dict[str, BackendSpec] = {}


def register(spec: BackendSpec) -> BackendSpec:
    """Add `spec` to the table (each backend once)."""
    if spec.name in SPECS:
        raise ValueError(f"backend {spec.name!r} is registered twice")
    SPECS[spec.name] = spec
    return spec


def sql_metadata() -> dict[str, MetaData]:
    """Each registered SQL role's metadata, by role."""
    return {name: spec.metadata for name, spec in SPECS.items() if spec.metadata is not None}


def admins_role() -> str:
    """The SQL role whose models hold the admin accounts (the app's `state.admins`)."""
    return next(role for role, metadata in sql_metadata().items() if "admins" in metadata.tables)


async def empty_tables(database: SQLDatabase, metadata: MetaData) -> None:
    """Delete every row of the role's tables (children first)."""
    async with database.engine.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            await connection.execute(delete(table))


def empty_file_tables(metadata: MetaData, connection: sqlite3.Connection) -> None:
    """Delete every row of an embedded role's tables (children first) through stdlib sqlite3."""
    # An async engine per call costs an aiosqlite thread, a dialect setup and a statement
    # compile for each table, after every API test; the plain driver does the same deletes
    # in a fraction of that. Blocking is fine: this runs between tests, not in the app.
    with connection:
        for table in reversed(metadata.sorted_tables):
            connection.execute(str(delete(table).compile(dialect=SQLITE)))


def sql_spec(role: str, metadata: MetaData) -> BackendSpec:
    """The spec of a SQL role: a throwaway database, migrated to head; SQLite stands in."""

    async def prepare(url: str) -> None:
        database = create_sql_database(role, url, DatabaseSettings())
        try:
            await migrate(database)
        finally:
            await database.engine.dispose()

    async def leftover(admin_url: str, name: str) -> str | None:
        present = name in await throwaway.sql_databases(admin_url)
        return f"{role} database {name}" if present else None

    async def empty(url: str, run_name: str) -> None:
        del run_name  # the database is the run's own
        database = create_sql_database(role, url, DatabaseSettings())
        try:
            await empty_tables(database, metadata)
        finally:
            await database.engine.dispose()

    return BackendSpec(
        name=role,
        embedded=lambda directory: f"sqlite+aiosqlite:///{directory / f'{role}.sqlite3'}",
        provision=throwaway.create_sql_database,
        drop=throwaway.drop_sql_database,
        leftover=leftover,
        empty=empty,
        prepare=prepare,
        metadata=metadata,
    )


async def _redis_provision(url: str, run_name: str) -> str:
    del run_name  # keys carry the run's prefix; the server is shared
    return url


async def _redis_drop(url: str, run_name: str) -> None:
    await _redis_empty(url, run_name)


async def _redis_empty(url: str, run_name: str) -> None:
    store = create_redis(DatabaseSettings(redis_url=url, redis_key_prefix=f"{run_name}:"))
    try:
        await throwaway.delete_redis_keys(store.client, store.prefix)
    finally:
        await store.close()


async def _redis_leftover(url: str, run_name: str) -> str | None:
    store = create_redis(DatabaseSettings(redis_url=url))
    try:
        count = await throwaway.count_redis_keys(store.client, f"{run_name}:")
    finally:
        await store.close()
    return f"redis: {count} keys under {run_name}:" if count else None


register(sql_spec("postgres", PostgresBase.metadata))
register(
    BackendSpec(
        "redis",
        provision=_redis_provision,
        drop=_redis_drop,
        leftover=_redis_leftover,
        empty=_redis_empty,
    )
)


def find_server(servers: Servers, name: str) -> Server | str:
    """`name`'s server, or why its tests skip (failing the run unless TEST_ALLOW_MISSING)."""
    found = servers.get(name)
    if isinstance(found, str):
        if name not in allowed_missing():
            pytest.fail(f"{found} (list it in TEST_ALLOW_MISSING to skip its tests)")
        return f"{found}; skipped as TEST_ALLOW_MISSING allows"
    return found


@dataclass
class RunBackends:
    """This run's backend of each name, built on first use and dropped at the end of the run."""

    real: bool
    servers: Servers
    run_name: str
    directory: Path
    # (backend, server's admin URL, name) of everything this run made on a server.
    created: list[tuple[str, str, str]] = field(default_factory=list)
    _built: dict[tuple[str, bool], Backend] = field(default_factory=dict)
    _cleanup: ExitStack = field(default_factory=ExitStack)

    def run(self, name: str) -> Backend:
        """The run's own backend `name`: its stand-in, or (`--backend=real`) its server's."""
        return self._get(name, self.real)

    def fake(self, name: str) -> Backend:
        """The stand-in of `name` (a conformance pair's fake side in a real run)."""
        return self._get(name, False)

    def all(self) -> dict[str, Backend]:
        """The run's backend of every name the settings have."""
        return {name: self.run(name) for name in BACKENDS}

    def _get(self, name: str, real: bool) -> Backend:
        if (name, real) not in self._built:
            self._built[name, real] = self._build(SPECS[name], real)
        return self._built[name, real]

    def _build(self, spec: BackendSpec, real: bool) -> Backend:
        if not real:
            side = self.directory / ("fake" if self.real else "run")
            side.mkdir(parents=True, exist_ok=True)
            url = spec.embedded(side)
            asyncio.run(spec.prepare(url))
            return Backend(spec.name, url, real=False)
        server = find_server(self.servers, spec.name)
        if isinstance(server, str):
            return Backend(spec.name, None, real=True, missing=server)
        admin_url = server.url
        url = asyncio.run(spec.provision(admin_url, self.run_name))
        self.created.append((spec.name, admin_url, self.run_name))
        self._cleanup.callback(lambda: asyncio.run(spec.drop(admin_url, self.run_name)))
        asyncio.run(spec.prepare(url))
        return Backend(spec.name, url, real=True)

    def close(self) -> None:
        """Drop what this run made on servers (last made, first dropped)."""
        self._cleanup.close()

    async def leftovers(self) -> list[str]:
        """What this run made on a server that is still there."""
        found = [
            await SPECS[backend].leftover(admin_url, name)
            for backend, admin_url, name in self.created
        ]
        return [text for text in found if text is not None]
