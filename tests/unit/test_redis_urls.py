"""Redis URLs (plain, TLS, Sentinel) and the pool that waits for a free connection."""

import asyncio
import time
from dataclasses import replace

import httpx
import pydantic
import pytest
import redis.exceptions
from fastapi import FastAPI
from pydantic import SecretStr
from redis.asyncio.connection import BlockingConnectionPool, ConnectionPool, SSLConnection

from app.core.errors import ErrorType
from app.database.redis import RedisStore, is_unavailable
from app.database.redis_urls import (
    BlockingSentinelConnectionPool,
    RedisURLError,
    SentinelURL,
    client_for,
    connection_pool,
    parse_sentinel_url,
)
from app.resources import attach_resources, resources_of
from app.settings import DatabaseSettings
from tests.behaviour.accounts import Accounts
from tests.envelope import assert_envelope


@pytest.mark.parametrize(
    ("url", "parsed"),
    [
        (
            "redis+sentinel://s1:26379,s2:26380,s3/primary/2",
            SentinelURL((("s1", 26379), ("s2", 26380), ("s3", 26379)), "primary", 2),
        ),
        (
            "redis+sentinel://:p%40ss@10.0.0.1:5000/cache",
            SentinelURL((("10.0.0.1", 5000),), "cache", 0, None, "p@ss"),
        ),
        (
            "rediss+sentinel://app:secret@[::1]:26379,[fe80::1]/svc/0",
            SentinelURL((("::1", 26379), ("fe80::1", 26379)), "svc", 0, "app", "secret", True),
        ),
    ],
)
def test_sentinel_urls_parse(url: str, parsed: SentinelURL) -> None:
    assert parse_sentinel_url(url) == parsed


@pytest.mark.parametrize(
    "url",
    [
        "redis://s1:26379/0",
        "redis+sentinel:///primary",
        "redis+sentinel://s1:26379",
        "redis+sentinel://s1:26379/primary/x",
        "redis+sentinel://s1:26379/primary/0/extra",
        "redis+sentinel://s1:notaport/primary",
        "redis+sentinel://s1:70000/primary",
    ],
)
def test_bad_sentinel_urls_are_refused(url: str) -> None:
    with pytest.raises(RedisURLError):
        parse_sentinel_url(url)


def test_a_bad_sentinel_url_is_refused_with_the_settings() -> None:
    with pytest.raises(pydantic.ValidationError, match="service_name"):
        DatabaseSettings(redis_url=SecretStr("redis+sentinel://s1:26379"))
    good = "redis+sentinel://s1:26379/primary/0"
    assert DatabaseSettings(redis_url=SecretStr(good)).redis_url.get_secret_value() == good


def _pool(url: str, **overrides: float) -> ConnectionPool:
    options = {"max_connections": 3, "wait_seconds": 0.2, "socket_timeout": 1.0, **overrides}
    return connection_pool(url, decode_responses=True, **options)  # type: ignore[arg-type]


def test_plain_and_tls_urls_build_waiting_pools() -> None:
    plain = _pool("redis://cache.invalid:6379/1")
    tls = _pool("rediss://cache.invalid:6380/0")
    for pool in (plain, tls):
        assert isinstance(pool, BlockingConnectionPool)
        assert pool.max_connections == 3
    assert tls.connection_class is SSLConnection
    assert plain.connection_kwargs["db"] == 1


def test_sentinel_url_builds_a_waiting_sentinel_pool() -> None:
    pool = _pool("redis+sentinel://:pw@s1.invalid:26379,s2.invalid/primary/3")
    assert isinstance(pool, BlockingSentinelConnectionPool)
    assert isinstance(pool, BlockingConnectionPool)
    assert pool.service_name == "primary"
    assert pool.connection_kwargs["db"] == 3
    assert pool.connection_kwargs["password"] == "pw"
    hosts = [
        (c.connection_pool.connection_kwargs["host"], c.connection_pool.connection_kwargs["port"])
        for c in pool.sentinel_manager.sentinels
    ]
    assert hosts == [("s1.invalid", 26379), ("s2.invalid", 26379)]


def _no_network(pool: ConnectionPool) -> ConnectionPool:
    # Connections are handed out without connecting: the unit tier has no sockets.
    async def ensure_connection(connection: object) -> None:
        return None

    pool.ensure_connection = ensure_connection  # type: ignore[method-assign]
    return pool


async def test_a_busy_pool_waits_for_a_released_connection() -> None:
    pool = _no_network(_pool("redis://cache.invalid:6379/0", max_connections=1, wait_seconds=2))
    held = await pool.get_connection()  # type: ignore[no-untyped-call]

    async def release_soon() -> None:
        await asyncio.sleep(0.1)
        await pool.release(held)

    started = time.monotonic()
    releasing = asyncio.create_task(release_soon())
    # Without waiting, redis-py's plain pool raises MaxConnectionsError here at once.
    second = await pool.get_connection()  # type: ignore[no-untyped-call]
    await releasing
    assert second is held
    assert 0.05 < time.monotonic() - started < 1.5


async def test_the_wait_is_bounded_and_reads_as_unavailable() -> None:
    pool = _no_network(_pool("redis://cache.invalid:6379/0", max_connections=1, wait_seconds=0.2))
    await pool.get_connection()  # type: ignore[no-untyped-call]
    started = time.monotonic()
    with pytest.raises(redis.exceptions.ConnectionError) as raised:
        await pool.get_connection()  # type: ignore[no-untyped-call]
    assert 0.15 < time.monotonic() - started < 1.5
    assert is_unavailable(raised.value)


async def test_an_exhausted_pool_is_a_503_with_retry_after(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    accounts = Accounts(client, app)
    user = await accounts.register()
    pool = _no_network(_pool("redis://cache.invalid:6379/0", max_connections=1, wait_seconds=0.1))
    await pool.get_connection()  # type: ignore[no-untyped-call] # the only connection stays busy
    resources = resources_of(app)
    store = RedisStore(client=client_for(pool), prefix=resources.backends.redis.prefix)
    attach_resources(app, replace(resources, backends=replace(resources.backends, redis=store)))
    try:
        response = await client.post(
            "/api/v1/auth/login",
            json={"username": user["username"], "password": "correct horse battery"},
        )
    finally:
        attach_resources(app, resources)
    assert_envelope(response, 503, ErrorType.SERVICE_UNAVAILABLE)
    assert response.headers["retry-after"] == "2"
    assert "No connection available" not in response.text
