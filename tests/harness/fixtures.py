"""The backend fixtures: one behaviour test runs on fakes (`--backend=fake`) or real servers.

Per run: each real SQL server gets a throwaway database migrated to head, Mongo a throwaway
database, Redis a throwaway key prefix; all are dropped at the end, and `pytest_sessionfinish`
checks that they are gone. Per test: tables and collections are emptied afterwards.
"""

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import APIRouter, FastAPI
from pydantic import SecretStr
from pytest_socket import disable_socket
from sqlalchemy import MetaData, delete, make_url
from sqlalchemy.dialects.sqlite import dialect as sqlite_dialect
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.security.keys import generate_private_key, private_pem
from app.database.migrations import migrate
from app.database.redis import RedisStore, create_redis
from app.database.sql import SQLDatabase, create_sql_database
from app.models.mysql import MySQLBase
from app.models.postgres import PostgresBase
from app.settings import AppSettings, AuthSettings, DatabaseSettings, Environment, Settings
from tests.harness import throwaway
from tests.harness.app_pool import AppPool
from tests.harness.divergences import DIVERGENCES
from tests.harness.servers import BACKENDS, Server, Servers, allowed_missing

STORE_SIDE = "store_side"
METADATA: dict[str, MetaData] = {"postgres": PostgresBase.metadata, "mysql": MySQLBase.metadata}
# The SQL role holding the admin accounts (the app's `state.admins`).
ADMINS_ROLE = "mysql"
# What each backend is when its server is missing (`TEST_ALLOW_MISSING`): its embedded form.
EMBEDDED_URLS: dict[str, Callable[[Path], str]] = {
    "postgres": lambda directory: f"sqlite+aiosqlite:///{directory / 'postgres.sqlite3'}",
    # fusion:mysql begin
    "mysql": lambda directory: f"sqlite+aiosqlite:///{directory / 'mysql.sqlite3'}",
    # fusion:mysql end
    # fusion:mongo begin
    "mongo": lambda directory: "memory://",
    # fusion:mongo end
    "redis": lambda directory: "memory://",
}
SQLITE = sqlite_dialect()
CREATED = pytest.StashKey[list[tuple[str, str, str]]]()


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


def is_real(config: pytest.Config) -> bool:
    """Whether this run uses real servers (`--backend=real`)."""
    return bool(config.getoption("--backend") == "real")


def pytest_configure(config: pytest.Config) -> None:
    """Start the list of what this run creates on servers."""
    config.stash[CREATED] = []


def pytest_runtest_setup(item: pytest.Item) -> None:
    """On fakes no test may open a network socket (the event loop's unix pair is fine)."""
    if not is_real(item.config):
        disable_socket(allow_unix_socket=True)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """On real servers, a store-level behaviour test also runs on the fakes, in this session.

    That is the conformance suite: one body, `[fake]` and `[real]`, so a fake that drifts
    from its server fails the build. Tests through the app (`app`) run on real servers only.
    """
    if (
        is_real(metafunc.config)
        and STORE_SIDE in metafunc.fixturenames
        and "app" not in metafunc.fixturenames
        and metafunc.definition.nodeid.startswith("tests/behaviour/")
    ):
        metafunc.parametrize(STORE_SIDE, ["fake", "real"], indirect=True)


def on_fake(config: pytest.Config, item: pytest.Item) -> bool:
    """Whether the item runs on fakes: the unit tier, or the fake side of a conformance pair."""
    callspec = getattr(item, "callspec", None)
    side = callspec.params.get(STORE_SIDE) if callspec is not None else None
    return not is_real(config) or side == "fake"


# Tiers with no fake to run on: without `--backend=real` their tests skip, saying why.
REAL_ONLY_TIERS = {
    "tests/integration/": "integration tests need --backend=real (nox -s integration)",
    "tests/fleet/": "fleet tests need --backend=real (nox -s fleet / failover)",
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On fakes, a divergence-marked test is a strict xfail and a real-only tier skips."""
    for item in items:
        for tier, reason in REAL_ONLY_TIERS.items():
            if not is_real(config) and tier in item.nodeid:
                item.add_marker(pytest.mark.skip(reason=reason))
        for marker in item.iter_markers("divergence"):
            reason = DIVERGENCES[marker.args[0]]
            if on_fake(config, item):
                item.add_marker(pytest.mark.xfail(strict=True, reason=f"fake diverges: {reason}"))


@pytest.fixture
def store_side(request: pytest.FixtureRequest, pytestconfig: pytest.Config) -> str:
    """`fake` or `real`: which side of the conformance pair the store fixtures build."""
    default = "real" if is_real(pytestconfig) else "fake"
    return str(getattr(request, "param", default))


def side_backend(request: pytest.FixtureRequest, name: str, side: str) -> Backend:
    """The backend `name` on a conformance pair's `side` (the run's own one otherwise)."""
    # The fake side of a real run has its own session-wide fakes; otherwise the run's backend.
    real_run = is_real(request.config)
    fixture = f"fake_{name}_backend" if real_run and side == "fake" else f"{name}_backend"
    backend: Backend = request.getfixturevalue(fixture)
    return backend


# Sync on purpose: building a backend may run `asyncio.run`, which an async fixture cannot.
@pytest.fixture
def postgres_side(request: pytest.FixtureRequest, store_side: str) -> Backend:
    """The PostgreSQL role's backend on this test's side."""
    return side_backend(request, "postgres", store_side)


@pytest.fixture
def redis_side(request: pytest.FixtureRequest, store_side: str) -> Backend:
    """The Redis backend on this test's side."""
    return side_backend(request, "redis", store_side)


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


def find_server(servers: Servers, name: str) -> Server | str:
    """`name`'s server, or why its tests skip (failing the run unless TEST_ALLOW_MISSING)."""
    found = servers.get(name)
    if isinstance(found, str):
        if name not in allowed_missing():
            pytest.fail(f"{found} (list it in TEST_ALLOW_MISSING to skip its tests)")
        return f"{found}; skipped as TEST_ALLOW_MISSING allows"
    return found


def sql_backend(
    name: str,
    pytestconfig: pytest.Config,
    servers: Servers,
    run_name: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Backend]:
    """A SQL role's backend for the run: a migrated SQLite file, or a throwaway database."""
    if not is_real(pytestconfig):
        path = Path(tmp_path_factory.mktemp(name)) / f"{name}.sqlite3"
        url = f"sqlite+aiosqlite:///{path}"
        asyncio.run(_migrated(name, url))
        yield Backend(name, url, real=False)
        return
    server = find_server(servers, name)
    if isinstance(server, str):
        yield Backend(name, None, real=True, missing=server)
        return
    url = asyncio.run(throwaway.create_sql_database(server.url, run_name))
    pytestconfig.stash[CREATED].append((name, server.url, run_name))
    try:
        asyncio.run(_migrated(name, url))
        yield Backend(name, url, real=True)
    finally:
        asyncio.run(throwaway.drop_sql_database(server.url, run_name))


async def _migrated(name: str, url: str) -> None:
    database = create_sql_database(name, url, DatabaseSettings())
    try:
        await migrate(database)
    finally:
        await database.engine.dispose()


def fake_sql_backend(name: str, tmp_path_factory: pytest.TempPathFactory) -> Backend:
    """A migrated SQLite file standing in for the SQL role `name` (a conformance pair's fake)."""
    path = Path(tmp_path_factory.mktemp(f"fake_{name}")) / f"{name}.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    asyncio.run(_migrated(name, url))
    return Backend(name, url, real=False)


@pytest.fixture(scope="session")
def fake_postgres_backend(tmp_path_factory: pytest.TempPathFactory) -> Backend:
    """The unit tier's stand-in for PostgreSQL (SQLite, migrated), for conformance pairs."""
    return fake_sql_backend("postgres", tmp_path_factory)


@pytest.fixture(scope="session")
def fake_redis_backend() -> Backend:
    """The unit tier's stand-in for Redis (fakeredis), for conformance pairs."""
    return Backend("redis", "memory://", real=False)


@pytest.fixture(scope="session")
def postgres_backend(
    pytestconfig: pytest.Config,
    servers: Servers,
    run_name: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Backend]:
    """The users/categories database for this run, built by the migrations."""
    yield from sql_backend("postgres", pytestconfig, servers, run_name, tmp_path_factory)


@pytest.fixture(scope="session")
def redis_backend(
    pytestconfig: pytest.Config, servers: Servers, run_name: str
) -> Iterator[Backend]:
    """The Redis server for this run (its keys start with the run's name)."""
    if not is_real(pytestconfig):
        yield Backend("redis", "memory://", real=False)
        return
    server = find_server(servers, "redis")
    if isinstance(server, str):
        yield Backend("redis", None, real=True, missing=server)
        return
    pytestconfig.stash[CREATED].append(("redis", server.url, run_name))
    try:
        yield Backend("redis", server.url, real=True)
    finally:
        asyncio.run(_delete_run_keys(server.url, run_name))


async def _delete_run_keys(url: str, run_name: str) -> None:
    store = create_redis(DatabaseSettings(redis_url=url, redis_key_prefix=f"{run_name}:"))
    try:
        await throwaway.delete_redis_keys(store.client, store.prefix)
    finally:
        await store.close()


@pytest.fixture
def run_backends(request: pytest.FixtureRequest) -> dict[str, Backend]:
    """This run's backend of each name in `servers.BACKENDS` (its `<name>_backend` fixture)."""
    return {name: request.getfixturevalue(f"{name}_backend") for name in BACKENDS}


@pytest.fixture
def database_settings(
    run_backends: dict[str, Backend], run_name: str, tmp_path: Path
) -> DatabaseSettings:
    """Settings pointing the app at this run's backends.

    A backend missing by `TEST_ALLOW_MISSING` is replaced by its embedded stand-in, so tests
    about the other backends still run through the whole app.
    """
    # Any: each `<name>_url` field takes the text; mypy cannot see which keys the dict has.
    urls: dict[str, Any] = {
        f"{name}_url": backend.url or EMBEDDED_URLS[name](tmp_path)
        for name, backend in run_backends.items()
    }
    return DatabaseSettings(
        **urls,
        # fusion:mongo begin
        mongo_database=run_name,
        # fusion:mongo end
        redis_key_prefix=f"{run_name}:",
        pool_size=2,
        max_overflow=8,
        connect_timeout_seconds=3,
    )


async def empty_tables(database: SQLDatabase) -> None:
    """Delete every row of the role's tables (children first)."""
    async with database.engine.begin() as connection:
        for table in reversed(METADATA[database.name].sorted_tables):
            await connection.execute(delete(table))


def empty_file_tables(name: str, connection: sqlite3.Connection) -> None:
    """Delete every row of an embedded role's tables (children first) through stdlib sqlite3."""
    # An async engine per call costs an aiosqlite thread, a dialect setup and a statement
    # compile for each table, after every API test; the plain driver does the same deletes
    # in a fraction of that. Blocking is fine: this runs between tests, not in the app.
    with connection:
        for table in reversed(METADATA[name].sorted_tables):
            connection.execute(str(delete(table).compile(dialect=SQLITE)))


@pytest.fixture(scope="session")
def file_connections(request: pytest.FixtureRequest) -> Iterator[dict[str, sqlite3.Connection]]:
    """A stdlib connection to each embedded SQL file, open for the whole run, to empty it."""
    # Open all along on purpose: when the last connection to a WAL database closes, SQLite
    # copies the log into the file and syncs it to disk, which every test's lifespan did
    # twice (its engines are the only connections). The deletes need no durability either.
    connections: dict[str, sqlite3.Connection] = {}
    for role in METADATA:
        backend: Backend = request.getfixturevalue(f"{role}_backend")
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
        await empty_tables(database)
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
    database: SQLDatabase = request.getfixturevalue(f"{ADMINS_ROLE}_db")
    return database


@pytest.fixture
def admins_session(request: pytest.FixtureRequest, store_side: str) -> AsyncSession:
    """A session on the admin accounts' database, rolled back at the end."""
    del store_side  # in the closure for conformance pairs, as for `admins_db`
    session: AsyncSession = request.getfixturevalue(f"{ADMINS_ROLE}_session")
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
    pytestconfig: pytest.Config,
    servers: Servers,
    run_name: str,
    tmp_path: Path,
) -> Iterator[BlankDatabase]:
    """Makes an empty database for a SQL role (to migrate by hand); dropped after the test."""
    made: list[tuple[str, str]] = []

    def make(role: str) -> str:
        if not is_real(pytestconfig):
            return f"sqlite+aiosqlite:///{tmp_path / f'blank_{role}.sqlite3'}"
        server = find_server(servers, role)
        if isinstance(server, str):
            pytest.skip(server)
        name = f"{run_name}_blank"
        url = asyncio.run(throwaway.create_sql_database(server.url, name))
        pytestconfig.stash[CREATED].append((role, server.url, name))
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

    def make(**sections: Any) -> Settings:
        defaults = {
            "app": AppSettings(environment=Environment.TEST),
            "database": database_settings,
            "auth": auth_settings,
        }
        return Settings(**{**defaults, **sections})

    return make


@pytest.fixture
def settings(make_settings: MakeSettings) -> Settings:
    """Test settings on this run's backends (`make_settings` with no section replaced)."""
    return make_settings()


@pytest.fixture(scope="session")
def signing_pem() -> str:
    """One RSA key for the session: generating one per app would cost seconds over the suite."""
    return private_pem(generate_private_key()).decode("ascii")


@pytest.fixture
def auth_settings(signing_pem: str) -> AuthSettings:
    """Auth settings with a fixed key and bcrypt's lowest cost (tests need speed, not strength)."""
    return AuthSettings(jwt_private_key=SecretStr(signing_pem), bcrypt_rounds=4)


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
) -> AsyncIterator[FastAPI]:
    """An app as `create_app` makes it; the SQL tables it may have written to are emptied after."""
    with app_pool.app(settings, probe_routers) as pooled:
        yield pooled
    for backend in (run_backends[role] for role in METADATA):
        if backend.name in file_connections:
            empty_file_tables(backend.name, file_connections[backend.name])
        elif backend.url is not None:
            database = create_sql_database(backend.name, backend.url, settings.database)
            try:
                await empty_tables(database)
            finally:
                await database.engine.dispose()


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """An in-process client; the app's lifespan (backends opened, closed) runs around it."""
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client


async def leftovers(created: list[tuple[str, str, str]]) -> list[str]:
    """What this run created on a server that is still there."""
    left: list[str] = []
    for backend, url, name in created:
        if backend in METADATA and name in await throwaway.sql_databases(url):
            left.append(f"{backend} database {name}")
        # fusion:mongo begin
        elif backend == "mongo" and name in await throwaway.mongo_databases(url):
            left.append(f"mongo database {name}")
        # fusion:mongo end
        elif backend == "redis":
            store = create_redis(DatabaseSettings(redis_url=url))
            try:
                count = await throwaway.count_redis_keys(store.client, f"{name}:")
            finally:
                await store.close()
            if count:
                left.append(f"redis: {count} keys under {name}:")
    return left


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """After every fixture is torn down: fail the run if it left anything on a server."""
    created = session.config.stash[CREATED]
    if not created:
        return
    left = asyncio.run(leftovers(created))
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        names = ", ".join(sorted({f"{backend} {name}" for backend, _, name in created}))
        verdict = "nothing left" if not left else "LEFT BEHIND: " + "; ".join(left)
        reporter.ensure_newline()
        reporter.write_line(f"throwaway check ({names}): {verdict}")
    if left:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
