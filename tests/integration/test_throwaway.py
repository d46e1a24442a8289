"""The harness creates only throwaway databases and keys, and removes them all."""

import pytest

from app.database.redis import RedisStore
from tests.harness import throwaway
from tests.harness.backends import Backend, RunBackends, sql_metadata
from tests.harness.servers import Server, Servers


def server_of(servers: Servers, backend: str) -> Server:
    found = servers.get(backend)
    if isinstance(found, str):
        pytest.skip(found)
    return found


@pytest.mark.parametrize("backend", list(sql_metadata()))
async def test_a_dropped_database_is_gone(backend: str, servers: Servers, run_name: str) -> None:
    admin_url = server_of(servers, backend).url
    name = f"{run_name}_probe"
    await throwaway.create_sql_database(admin_url, name)
    assert name in await throwaway.sql_databases(admin_url)
    await throwaway.drop_sql_database(admin_url, name)
    assert name not in await throwaway.sql_databases(admin_url)


async def test_redis_cleanup_deletes_only_the_prefix(redis_store: RedisStore) -> None:
    neighbour = f"{throwaway.new_name()}:"
    for index in range(1200):  # more than one SCAN batch
        await redis_store.client.set(redis_store.key(str(index)), "x")
    await redis_store.client.set(f"{neighbour}kept", "x")
    try:
        assert await throwaway.delete_redis_keys(redis_store.client, redis_store.prefix) == 1200
        assert await throwaway.count_redis_keys(redis_store.client, redis_store.prefix) == 0
        assert await redis_store.client.get(f"{neighbour}kept") == "x"
    finally:
        await throwaway.delete_redis_keys(redis_store.client, neighbour)


@pytest.mark.parametrize("backend", list(sql_metadata()))
async def test_no_earlier_run_left_a_database(
    backend: str,
    servers: Servers,
    backend_table: RunBackends,
    run_backends: dict[str, Backend],
) -> None:
    admin_url = server_of(servers, backend).url
    ours = {name for _, _, name in backend_table.created}
    # Databases of this run are listed as created; another run's may be in progress (the
    # servers are shared); anything else with the prefix is a leak.
    leaked = [
        name
        for name in await throwaway.sql_databases(admin_url)
        if name not in ours and not throwaway.may_be_running(name)
    ]
    assert leaked == []


async def test_no_earlier_run_left_redis_keys(redis_store: RedisStore, run_name: str) -> None:
    leaked = [
        key
        async for key in redis_store.client.scan_iter(match=f"{throwaway.PREFIX}*", count=500)
        if not key.startswith(run_name) and not throwaway.may_be_running(key)
    ]
    assert leaked == []
