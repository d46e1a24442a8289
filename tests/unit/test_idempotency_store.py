"""A lost Redis after the creation never turns the answer into an error."""

import logging

import pytest
from fastapi import Response
from redis.exceptions import ConnectionError as RedisConnectionError

from app.api.idempotency import RedisClaim
from app.database.redis import RedisStore


class _DownRedis:
    async def set(self, *args: object, **kwargs: object) -> None:
        raise RedisConnectionError("down")

    async def delete(self, *args: object) -> None:
        raise RedisConnectionError("down")


async def test_storing_or_freeing_a_key_without_redis_only_logs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = RedisStore(client=_DownRedis(), prefix="t:")  # type: ignore[arg-type]
    claim = RedisClaim(store, "t:idempotency:x", "f" * 64, "en")
    with caplog.at_level(logging.WARNING, logger="app.idempotency"):
        await claim.complete(Response(b"{}", 201))
        await claim.abandon()
    assert [record.getMessage() for record in caplog.records] == [
        "idempotency answer not stored: ConnectionError",
        "idempotency key not freed: ConnectionError",
    ]
