"""Redis Sentinel failover under signed-in traffic: the app follows the new primary.

A primary, a replica and three sentinels run on loopback ports; two app instances use them
through a `redis+sentinel://` URL (sessions, login counters). The primary is SIGKILLed
while signed-in users keep calling `/users/me`; the sentinels promote the replica. Allowed:
a bounded burst of 503s (with Retry-After) while there is no primary. Not allowed: a 500, a
401 for a session that existed before the kill, or a failure after the failover.
"""

import asyncio
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from tests.fleet.processes import Instance, RedisProcess, free_port, instance_env, redis_binary
from tests.fleet.report import checks, table
from tests.fleet.traffic import PASSWORD
from tests.harness.backends import Backend

SERVICE = "fleet"
USERS = 6
BEFORE_KILL_SECONDS = 4.0
AFTER_KILL_SECONDS = 20.0
# Sentinels call the primary down after 1 s without answers; promotion follows within
# seconds. Longer than this without a primary fails the test.
MAX_OUTAGE_SECONDS = 15.0

SENTINEL_CONF = f"""
sentinel monitor {SERVICE} 127.0.0.1 {{primary}} 2
sentinel down-after-milliseconds {SERVICE} 1000
sentinel failover-timeout {SERVICE} 5000
sentinel parallel-syncs {SERVICE} 1
"""


@dataclass
class Group:
    """The Redis Sentinel group and the app instances using it."""

    primary: RedisProcess
    replica: RedisProcess
    sentinels: list[RedisProcess]
    instances: list[Instance]


def _sentinel_master(sentinel: RedisProcess) -> tuple[str, int] | None:
    client = redis.Redis(port=sentinel.port, socket_timeout=1, decode_responses=True)
    try:
        address: Any = client.sentinel_get_master_addr_by_name(SERVICE)
        return (str(address[0]), int(address[1])) if address else None
    except redis.RedisError:
        return None
    finally:
        client.close()


def _wait(what: str, condition: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen within {seconds}s")


def _replicated(primary: RedisProcess) -> bool:
    # Every write so far is on the replica (WAIT: one replica acknowledged, within 1 s).
    client = redis.Redis(port=primary.port, socket_timeout=2)
    try:
        acknowledged = client.execute_command("WAIT", 1, 1000)  # type: ignore[no-untyped-call]
        return int(acknowledged) >= 1
    finally:
        client.close()


@pytest.fixture
def group(
    postgres_backend: Backend,
    # fusion:mysql begin
    mysql_backend: Backend,
    # fusion:mysql end
    run_name: str,
    signing_pem: str,
    tmp_path: Path,
) -> Iterator[Group]:
    """Primary, replica, three sentinels and two app instances; all stopped afterwards."""
    server, sentinel = redis_binary("redis-server"), redis_binary("redis-sentinel")
    work = tmp_path / "redis"
    primary = RedisProcess("primary", server, "", work)
    started: list[RedisProcess | Instance] = []
    try:
        primary.start()
        started.append(primary)
        replica = RedisProcess("replica", server, f"replicaof 127.0.0.1 {primary.port}\n", work)
        replica.start()
        started.append(replica)
        sentinels = []
        for number in range(3):
            conf = SENTINEL_CONF.replace("{primary}", str(primary.port))
            node = RedisProcess(f"sentinel{number}", sentinel, conf, work)
            node.start()
            started.append(node)
            sentinels.append(node)
        _wait("the replica's sync", lambda: _replicated(primary), 20)
        key_file = tmp_path / "signing.pem"
        key_file.write_text(signing_pem)
        key_file.chmod(0o600)
        hosts = ",".join(f"127.0.0.1:{node.port}" for node in sentinels)
        env = instance_env(
            postgres_url=postgres_backend.require(),
            # fusion:mysql begin
            mysql_url=mysql_backend.require(),
            # fusion:mysql end
            redis_url=f"redis+sentinel://{hosts}/{SERVICE}/0",
            run_name=run_name,
            key_file=key_file,
            # A command to a dead primary fails within a second rather than hanging.
            extra={"CONNECT_TIMEOUT_SECONDS": "1"},
        )
        instances = [Instance(name, free_port(), env, tmp_path) for name in ("a", "b")]
        for instance in instances:
            instance.start()
            started.append(instance)
        yield Group(primary, replica, sentinels, instances)
    finally:
        for process in reversed(started):
            process.stop()


@dataclass(frozen=True)
class Answer:
    """One signed-in request."""

    at: float
    user: int
    status: int  # 0: no HTTP answer
    retry_after: bool


async def _sign_in(http: httpx.AsyncClient, url: str) -> str:
    username = f"sentinel{secrets.token_hex(4)}"
    body = {"username": username, "email": f"{username}@example.com", "password": PASSWORD}
    (await http.post(f"{url}/api/v1/auth/register", json=body)).raise_for_status()
    login = await http.post(
        f"{url}/api/v1/auth/login", json={"username": username, "password": PASSWORD}
    )
    login.raise_for_status()
    token: str = login.json()["data"]["access_token"]
    return token


async def _traffic(group: Group, tokens: list[str], kill_at: float, end: float) -> list[Answer]:
    answers: list[Answer] = []
    urls = [instance.url for instance in group.instances]

    async def user(number: int, token: str, http: httpx.AsyncClient) -> None:
        turn = number
        while time.monotonic() < end:
            turn += 1
            started = time.monotonic()
            try:
                response = await http.get(
                    f"{urls[turn % len(urls)]}/api/v1/users/me",
                    headers={"Authorization": f"Bearer {token}"},
                )
                status, retry = response.status_code, "retry-after" in response.headers
            except httpx.TransportError:
                status, retry = 0, False
            answers.append(Answer(started, number, status, retry))
            await asyncio.sleep(0.1)

    async def killer() -> None:
        await asyncio.sleep(max(0.0, kill_at - time.monotonic()))
        group.primary.kill()

    async with httpx.AsyncClient(timeout=10) as http:
        await asyncio.gather(killer(), *(user(n, t, http) for n, t in enumerate(tokens)))
    return answers


def test_sessions_survive_a_sentinel_failover(group: Group) -> None:
    async def sign_in_all() -> list[str]:
        async with httpx.AsyncClient(timeout=10) as http:
            return [await _sign_in(http, group.instances[0].url) for _ in range(USERS)]

    tokens = asyncio.run(sign_in_all())
    # Acknowledged sessions are on the replica before the primary dies (replication is
    # asynchronous: a write not yet copied would be lost with any Redis failover).
    assert _replicated(group.primary)
    start = time.monotonic()
    kill_at = start + BEFORE_KILL_SECONDS
    answers = asyncio.run(_traffic(group, tokens, kill_at, kill_at + AFTER_KILL_SECONDS))
    promoted = _sentinel_master(group.sentinels[0])

    # After the failover: a new sign-in (a session write and the login counters) works.
    async def after() -> tuple[int, int]:
        async with httpx.AsyncClient(timeout=10) as http:
            token = await _sign_in(http, group.instances[1].url)
            auth = {"Authorization": f"Bearer {token}"}
            out = await http.post(f"{group.instances[0].url}/api/v1/auth/logout", headers=auth)
            me = await http.get(f"{group.instances[1].url}/api/v1/users/me", headers=auth)
            return out.status_code, me.status_code

    logout_status, revoked_status = asyncio.run(after())

    unavailable = [a for a in answers if a.status == 503]
    outage = (unavailable[-1].at - kill_at) if unavailable else 0.0
    after_outage = [a for a in answers if a.at > kill_at + outage + 0.5]
    lost = [a for a in answers if a.status == 401]
    broken = [a for a in answers if a.status not in (200, 503)]
    phases = {
        "before the kill": [a for a in answers if a.at < kill_at],
        "kill .. last 503": [a for a in answers if kill_at <= a.at <= kill_at + outage],
        "after the failover": after_outage,
    }
    print(
        table(
            "signed-in GET /users/me over two instances, primary SIGKILLed",
            ("phase", "requests", "200", "503", "401", "500", "other"),
            [
                (
                    phase,
                    len(group_answers),
                    sum(a.status == 200 for a in group_answers),
                    sum(a.status == 503 for a in group_answers),
                    sum(a.status == 401 for a in group_answers),
                    sum(a.status == 500 for a in group_answers),
                    sum(a.status not in (200, 401, 500, 503) for a in group_answers),
                )
                for phase, group_answers in phases.items()
            ],
        )
    )
    results = [
        (
            "the replica was promoted",
            promoted == ("127.0.0.1", group.replica.port),
            f"sentinel names {promoted}, replica on {group.replica.port}",
        ),
        (
            "the 503 burst is bounded",
            outage <= MAX_OUTAGE_SECONDS,
            f"{len(unavailable)} 503s within {outage:.1f}s of the kill",
        ),
        (
            "every 503 says Retry-After",
            all(a.retry_after for a in unavailable),
            f"{sum(a.retry_after for a in unavailable)}/{len(unavailable)}",
        ),
        ("no 500, no other failure", not broken, f"{[a.status for a in broken][:5]}"),
        ("no session lost", not lost, f"{len(lost)} x 401"),
        (
            "requests continue after failover",
            bool(after_outage) and all(a.status == 200 for a in after_outage),
            f"{sum(a.status == 200 for a in after_outage)}/{len(after_outage)} x 200",
        ),
        (
            "sign-in and sign-out work on the new primary",
            (logout_status, revoked_status) == (200, 401),
            f"logout {logout_status}, then /users/me {revoked_status}",
        ),
    ]
    print(checks("Sentinel failover checks", results))
    failed = [name for name, ok, _ in results if not ok]
    assert not failed, failed
