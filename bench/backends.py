"""The backends a bench run uses: `BENCH_*_URL` servers, else the app's embedded defaults.

On a server the run gets a throwaway database (or key prefix), dropped afterwards.
"""

import contextlib
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import redis.asyncio

from tests.harness import throwaway
from tests.harness.mongo_fixtures import drop_mongo_database, mongo_server_url

# The relational roles: a throwaway database each, migrated before the app starts.
SQL_VARIABLES = ("POSTGRES_URL", "MYSQL_URL")
BACKENDS = (
    *SQL_VARIABLES,
    "MONGO_URL",
    "REDIS_URL",
)


@dataclass
class Backends:
    """The app's backend settings and, per backend, where it runs (for the report)."""

    env: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)


def describe(variables: Mapping[str, str]) -> dict[str, str]:
    """Per backend, "server" when `BENCH_<NAME>` is set, else the embedded fallback."""
    return {
        name.removesuffix("_URL").lower(): (
            "server (throwaway database)" if variables.get(f"BENCH_{name}") else "EMBEDDED default"
        )
        for name in BACKENDS
    }


def _migrate(env: Mapping[str, str], cwd: Path) -> None:
    # Our own interpreter and arguments.
    result = subprocess.run(
        [sys.executable, "-m", "app", "db", "upgrade"],
        env={**os.environ, **env}, cwd=cwd, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(f"migrating the bench databases failed: {result.stderr.strip()}")


def _mongo_settings(variables: Mapping[str, str], name: str) -> dict[str, str]:
    if mongo_url := variables.get("BENCH_MONGO_URL"):
        return {"MONGO_URL": mongo_server_url(mongo_url), "MONGO_DATABASE": name}
    return {}


async def _drop_mongo(variables: Mapping[str, str], name: str) -> None:
    if mongo_url := variables.get("BENCH_MONGO_URL"):
        await drop_mongo_database(mongo_url, name)


@contextlib.asynccontextmanager
async def throwaway_backends(
    variables: Mapping[str, str], cwd: Path, base_env: Mapping[str, str]
) -> AsyncIterator[Backends]:
    """Create this run's databases and key prefix on the `BENCH_*_URL` servers; drop them after."""
    name = throwaway.new_name()
    backends = Backends(labels=describe(variables))
    created: list[str] = []
    try:
        for variable in SQL_VARIABLES:
            if admin_url := variables.get(f"BENCH_{variable}"):
                backends.env[variable] = await throwaway.create_sql_database(admin_url, name)
                created.append(admin_url)
        backends.env.update(_mongo_settings(variables, name))
        if redis_url := variables.get("BENCH_REDIS_URL"):
            backends.env["REDIS_URL"] = redis_url
            backends.env["REDIS_KEY_PREFIX"] = f"{name}:"
        if created:
            _migrate({**base_env, **backends.env}, cwd)
        yield backends
    finally:
        for admin_url in created:
            await throwaway.drop_sql_database(admin_url, name)
        await _drop_mongo(variables, name)
        if redis_url := variables.get("BENCH_REDIS_URL"):
            client = redis.asyncio.Redis.from_url(redis_url, decode_responses=True)
            try:
                await throwaway.delete_redis_keys(client, f"{name}:")
            finally:
                await client.aclose()
