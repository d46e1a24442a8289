"""The backend fixtures: one behaviour test runs on fakes (`--backend=fake`) or real servers.

Per run: each backend named in the settings is built from its spec (`backends.SPECS`): a
throwaway database migrated to head, a throwaway Mongo database, a throwaway Redis key
prefix; all are dropped at the end, and the session-end hook checks that they are gone. Per
test: what the test wrote is emptied afterwards.
"""

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import APIRouter, FastAPI
from pydantic import SecretStr
from sqlalchemy import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.security.keys import generate_private_key, private_pem
from app.database.redis import RedisStore, create_redis
from app.database.sql import SQLDatabase, create_sql_database
from app.settings import AppSettings, AuthSettings, DatabaseSettings, Environment, Settings
from tests.harness import throwaway
from tests.harness.app_pool import AppPool
from tests.harness.backends import (
    SPECS,
    Backend,
    RunBackends,
    admins_role,
    empty_file_tables,
    empty_tables,
    find_server,
    sql_metadata,
)
from tests.harness.hooks import RUN_BACKENDS, is_real
from tests.harness.servers import Servers


@pytest.fixture
def store_side(request: pytest.FixtureRequest, pytestconfig: pytest.Config) -> str:
    """`fake` or `real`: which side of the conformance pair the store fixtures build."""
    default = "real" if is_real(pytestconfig) else "fake"
    return str(getattr(request, "param", default))


@pytest.fixture(scope="session")
def run_name() -> str:
    """This run's random name: its databases, Mongo database and Redis prefix use it."""
    return throwaway.new_name()


@pytest.fixture(scope="session")
def servers() -> Iterator[Servers]:
    """Finds real servers on demand and stops the containers it started."""
    found = Servers()
    yield found
    found.stop_all()


@pytest.fixture(scope="session")
def backend_table(
    pytestconfig: pytest.Config,
    servers: Servers,
    run_name: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[RunBackends]:
    """This run's backends, each built from its spec on first use and dropped at the end."""
    table = RunBackends(
        real=is_real(pytestconfig),
        servers=servers,
        run_name=run_name,
        directory=tmp_path_factory.mktemp("backends"),
    )
    pytestconfig.stash[RUN_BACKENDS] = table
    try:
        yield table
    finally:
        table.close()


def side_backend(table: RunBackends, name: str, side: str) -> Backend:
    """The backend `name` on a conformance pair's `side` (the run's own one otherwise)."""
    return table.fake(name) if side == "fake" else table.run(name)


# Sync on purpose: building a backend may run `asyncio.run`, which an async fixture cannot.
def backend_fixtures(name: str) -> tuple[Any, Any]:
    """The fixtures `<name>_side` (this test's side) and `<name>_backend` (the run's own)."""

    def on_side(backend_table: RunBackends, store_side: str) -> Backend:
        return side_backend(backend_table, name, store_side)

    def for_run(backend_table: RunBackends) -> Backend:
        return backend_table.run(name)

    return (
        pytest.fixture(name=f"{name}_side")(on_side),
        pytest.fixture(name=f"{name}_backend", scope="session")(for_run),
    )


postgres_side, postgres_backend = backend_fixtures("postgres")
redis_side, redis_backend = backend_fixtures("redis")


@pytest.fixture
def run_backends(backend_table: RunBackends) -> dict[str, Backend]:
    """This run's backend of each name the settings have (`servers.BACKENDS`)."""
    return backend_table.all()


@pytest.fixture
def database_settings(
    run_backends: dict[str, Backend], run_name: str, tmp_path: Path
) -> DatabaseSettings:
    """Settings pointing the app at this run's backends.

    A backend missing by `TEST_ALLOW_MISSING` is replaced by its embedded stand-in, so tests
    about the other backends still run through the whole app.
    """
    # Any: each `<name>_url` field takes the text; mypy cannot see which keys the dict has.
    fields: dict[str, Any] = {
        f"{name}_url": backend.url or SPECS[name].embedded(tmp_path)
        for name, backend in run_backends.items()
    }
    if "mongo" in run_backends:  # the setting exists only with its backend
        fields["mongo_database"] = run_name
    return DatabaseSettings(
        **fields,
        redis_key_prefix=f"{run_name}:",
        pool_size=2,
        max_overflow=8,
        connect_timeout_seconds=3,
    )


@pytest.fixture(scope="session")
def file_connections(backend_table: RunBackends) -> Iterator[dict[str, sqlite3.Connection]]:
    """A stdlib connection to each embedded SQL file, open for the whole run, to empty it."""
    # Open all along on purpose: when the last connection to a WAL database closes, SQLite
    # copies the log into the file and syncs it to disk, which every test's lifespan did
    # twice (its engines are the only connections). The deletes need no durability either.
    connections: dict[str, sqlite3.Connection] = {}
    for role in sql_metadata():
        backend = backend_table.run(role)
        if backend.url is not None and not backend.real:
            connection = sqlite3.connect(str(make_url(backend.url).database))
            connection.execute("PRAGMA synchronous=OFF")
            connections[backend.name] = connection
    yield connections
    for connection in connections.values():
        connection.close()


@asynccontextmanager
async def sql_database(backend: Backend) -> AsyncIterator[SQLDatabase]:
    """A client of the SQL role's backend; its tables are emptied when the block ends."""
    database = create_sql_database(backend.name, backend.require(), DatabaseSettings())
    try:
        yield database
    finally:
        # Each test starts from empty tables, whatever the previous one committed.
        await empty_tables(database, sql_metadata()[backend.name])
        await database.engine.dispose()


@pytest.fixture
async def postgres_db(postgres_side: Backend) -> AsyncIterator[SQLDatabase]:
    """The users/categories database, emptied after the test."""
    async with sql_database(postgres_side) as database:
        yield database


@pytest.fixture
async def postgres_session(postgres_db: SQLDatabase) -> AsyncIterator[AsyncSession]:
    """A session on the users/categories database, rolled back at the end."""
    async with postgres_db.sessions() as session:
        yield session


# `store_side` is named so it is in the static closure: conformance pairs need it there to
# parametrize a test (`pytest_generate_tests`), and the role's fixture is looked up by name.
@pytest.fixture
def admins_db(request: pytest.FixtureRequest, store_side: str) -> SQLDatabase:
    """The database that holds the admin accounts (the app's `state.admins`)."""
    del store_side
    database: SQLDatabase = request.getfixturevalue(f"{admins_role()}_db")
    return database


@pytest.fixture
def admins_session(request: pytest.FixtureRequest, store_side: str) -> AsyncSession:
    """A session on the admin accounts' database, rolled back at the end."""
    del store_side  # in the closure for conformance pairs, as for `admins_db`
    session: AsyncSession = request.getfixturevalue(f"{admins_role()}_session")
    return session


@pytest.fixture
async def redis_store(redis_side: Backend, run_name: str) -> AsyncIterator[RedisStore]:
    """A Redis client whose prefix is this run's; its keys are deleted after the test."""
    settings = DatabaseSettings(redis_url=redis_side.require(), redis_key_prefix=f"{run_name}:")
    store = create_redis(settings)
    try:
        yield store
    finally:
        await throwaway.delete_redis_keys(store.client, store.prefix)
        await store.close()


BlankDatabase = Callable[[str], str]


@pytest.fixture
def blank_database(
    backend_table: RunBackends, servers: Servers, run_name: str, tmp_path: Path
) -> Iterator[BlankDatabase]:
    """Makes an empty database for a SQL role (to migrate by hand); dropped after the test."""
    made: list[tuple[str, str]] = []

    def make(role: str) -> str:
        if not backend_table.real:
            return SPECS[role].embedded(tmp_path / "blank")
        server = find_server(servers, role)
        if isinstance(server, str):
            pytest.skip(server)
        name = f"{run_name}_blank"
        url = asyncio.run(throwaway.create_sql_database(server.url, name))
        backend_table.created.append((role, server.url, name))
        made.append((server.url, name))
        return url

    yield make
    for url, name in made:
        asyncio.run(throwaway.drop_sql_database(url, name))


# Builds test settings; keyword arguments replace whole sections (`graphql=...`).
MakeSettings = Callable[..., Settings]


@pytest.fixture
def make_settings(database_settings: DatabaseSettings, auth_settings: AuthSettings) -> MakeSettings:
    """Test settings on this run's backends, built explicitly so the environment cannot leak."""

    def make(**overrides: Any) -> Settings:
        defaults = {
            "app": AppSettings(environment=Environment.TEST),
            "database": database_settings,
            "auth": auth_settings,
        }
        return Settings(**{**defaults, **overrides})

    return make


@pytest.fixture
def settings(make_settings: MakeSettings) -> Settings:
    """Test settings on this run's backends (`make_settings` with nothing overridden)."""
    return make_settings()


@pytest.fixture(scope="session")
def signing_pem() -> str:
    """One RSA key for the session: generating one per app would cost seconds over the suite."""
    return private_pem(generate_private_key()).decode("ascii")


@pytest.fixture
def auth_settings(signing_pem: str, request: pytest.FixtureRequest) -> AuthSettings:
    """Auth settings with a fixed key and bcrypt's lowest cost (tests need speed, not strength).

    A test, class or module marked `@pytest.mark.auth_settings(**fields)` gets those fields
    too (the closest mark wins).
    """
    mark = request.node.get_closest_marker("auth_settings")
    fields = mark.kwargs if mark else {}
    return AuthSettings(**{"jwt_private_key": SecretStr(signing_pem), "bcrypt_rounds": 4, **fields})


@pytest.fixture(scope="session")
def app_pool() -> AppPool:
    """This process's built apps that no test is using (see tests/harness/app_pool.py)."""
    return AppPool()


@pytest.fixture
def probe_routers() -> tuple[APIRouter, ...]:
    """Routers the app also serves: none, unless a test module's probe routes override this."""
    return ()


@pytest.fixture
async def app(
    settings: Settings,
    probe_routers: tuple[APIRouter, ...],
    run_backends: dict[str, Backend],
    app_pool: AppPool,
    file_connections: dict[str, sqlite3.Connection],
    run_name: str,
) -> AsyncIterator[FastAPI]:
    """An app as `create_app` makes it; what it wrote to the run's backends is emptied after."""
    with app_pool.app(settings, probe_routers) as pooled:
        yield pooled
    # Each backend's spec empties it. Real servers keep their data for the whole run, and
    # the embedded SQL files too; the other stand-ins (`memory://`) die with the lifespan.
    for name, backend in run_backends.items():
        if name in file_connections:
            empty_file_tables(sql_metadata()[name], file_connections[name])
        elif backend.real and backend.url is not None:
            await SPECS[name].empty(backend.url, run_name)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """An in-process client; the app's lifespan (backends opened, closed) runs around it."""
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client
