"""`EMBEDDED_STATE_DIR`: the embedded Redis outlives a restart (a development reload)."""

import json
from pathlib import Path

from app.database.backends import open_backends
from app.settings import DatabaseSettings


def _settings(tmp_path: Path, state: Path | None) -> DatabaseSettings:
    return DatabaseSettings(
        postgres_url=f"sqlite+aiosqlite:///{tmp_path / 'postgres.sqlite3'}",
        mysql_url=f"sqlite+aiosqlite:///{tmp_path / 'mysql.sqlite3'}",
        embedded_state_dir=state,
    )


async def test_redis_keys_survive_a_restart(tmp_path: Path) -> None:
    settings = _settings(tmp_path, tmp_path / "state")
    async with open_backends(settings) as backends:
        redis = backends.redis
        await redis.client.set(redis.key("session", "s1"), "alive", px=600_000)
        await redis.client.hset(redis.key("account", "1"), mapping={"generation": "3"})
        await redis.client.sadd(redis.key("sessions", "1"), "s1", "s2")
        await redis.client.zadd(redis.key("spent"), {"jti-1": 1.5})
        await redis.client.set("someone-else:key", "not ours")
    saved = json.loads((tmp_path / "state" / "redis.json").read_text())
    assert {entry["key"] for entry in saved} == {
        settings.redis_key_prefix + name
        for name in ("session:s1", "account:1", "sessions:1", "spent")
    }

    async with open_backends(settings) as backends:
        redis = backends.redis
        assert await redis.client.get(redis.key("session", "s1")) == "alive"
        assert 0 < await redis.client.pttl(redis.key("session", "s1")) <= 600_000
        assert await redis.client.hgetall(redis.key("account", "1")) == {"generation": "3"}
        assert await redis.client.smembers(redis.key("sessions", "1")) == {"s1", "s2"}
        assert await redis.client.zscore(redis.key("spent"), "jti-1") == 1.5
        assert await redis.client.ttl(redis.key("account", "1")) == -1
        assert await redis.client.get("someone-else:key") is None


async def test_without_a_state_dir_nothing_is_kept(tmp_path: Path) -> None:
    settings = _settings(tmp_path, None)
    async with open_backends(settings) as backends:
        await backends.redis.client.set(backends.redis.key("k"), "v")
    async with open_backends(settings) as backends:
        assert await backends.redis.client.get(backends.redis.key("k")) is None
    assert not (tmp_path / "state").exists()
