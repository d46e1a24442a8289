"""Three app instances behind nginx on this machine's servers, one restarted, one killed.

Traffic runs for FLEET_SECONDS (60 by default) through nginx: users register, sign in,
read `/users/me`, refresh, sign out and check their token is dead; an administrator writes
categories (PostgreSQL: there is no MongoDB server here, and each instance's embedded Mongo
is its own, so products are not part of the shared state). Meanwhile one instance is
restarted with SIGTERM and another is SIGKILLed and brought back.
"""

import asyncio
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fleet.processes import Instance, Nginx, free_port, instance_env
from tests.fleet.report import checks, table
from tests.fleet.traffic import PASSWORD, Call, Log, drive, next_address
from tests.harness.backends import Backend

SECONDS = float(os.environ.get("FLEET_SECONDS", "60"))
USERS = 6
LOGIN_LIMIT = 30  # failed logins per address per minute, the app's default, set explicitly
BURST = LOGIN_LIMIT + 10
ADMIN = ("fleetadmin", "admin staple battery")


@pytest.fixture
def fleet(
    postgres_backend: Backend,
    # fusion:mysql begin
    mysql_backend: Backend,
    # fusion:mysql end
    redis_backend: Backend,
    run_name: str,
    signing_pem: str,
    tmp_path: Path,
) -> Iterator[tuple[Nginx, list[Instance]]]:
    """nginx and three instances on this run's throwaway databases; always stopped."""
    key_file = tmp_path / "signing.pem"
    key_file.write_text(signing_pem)
    key_file.chmod(0o600)
    env = instance_env(
        postgres_url=postgres_backend.require(),
        # fusion:mysql begin
        mysql_url=mysql_backend.require(),
        # fusion:mysql end
        redis_url=redis_backend.require(),
        run_name=run_name,
        key_file=key_file,
        extra={"LOGIN_RATE_LIMIT_PER_ADDRESS": f"{LOGIN_LIMIT}/minute"},
    )
    subprocess.run(  # noqa: S603 - our interpreter; the operator's way to add an admin
        [
            *(sys.executable, "-m", "app", "admin", "create", "--username", ADMIN[0]),
            *("--email", "fleetadmin@example.com", "--password-stdin"),
        ],
        input=f"{ADMIN[1]}\n".encode(),
        env=env,
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    instances = [Instance(name, free_port(), env, tmp_path) for name in ("a", "b", "c")]
    nginx = Nginx([instance.port for instance in instances], tmp_path / "nginx")
    try:
        for instance in instances:
            instance.start()
        nginx.start()
        yield nginx, instances
    finally:
        nginx.stop()
        for instance in instances:
            instance.stop()


def _is_loss(call: Call) -> bool:
    return call.status >= 500 or call.status == 0


def test_fleet_survives_restart_and_kill(fleet: tuple[Nginx, list[Instance]]) -> None:
    nginx, (first, restarted, killed) = fleet
    moments: dict[str, float] = {}
    started = time.monotonic()

    def at(fraction: float) -> None:
        time.sleep(max(0.0, started + SECONDS * fraction - time.monotonic()))

    def events() -> None:
        # Beside the traffic: a graceful restart as an orchestrator does it (out of the
        # proxy, SIGTERM: in-flight requests finish, start, back in), then a SIGKILL.
        at(0.2)
        moments["term"] = time.monotonic()
        nginx.drain(restarted.port, out=True)
        moments["drain"] = restarted.terminate()
        restarted.start()
        nginx.drain(restarted.port, out=False)
        moments["back"] = time.monotonic()
        # The kill comes after the restart is over, whatever the machine's load made of it.
        at(max(0.5, (time.monotonic() - started) / SECONDS + 0.05))
        moments["kill"] = time.monotonic()
        killed.kill()
        time.sleep(SECONDS * 0.15)
        killed.start()
        moments["return"] = time.monotonic()

    log = Log()
    asyncio.run(drive(nginx.url, log, SECONDS, USERS, ADMIN, events))
    elapsed = time.monotonic() - started

    graceful = (moments["term"], moments["back"] + 0.5)
    kill = moments["kill"]
    in_restart = [c for c in log.calls if _is_loss(c) and c.overlaps(*graceful)]
    # Lost with the killed process: open at the instant of the SIGKILL. nginx answers 502
    # for a POST it had sent (it may not repeat one), and cuts a response it had begun to
    # relay (no full answer); anything else it resends to another instance.
    in_flight = [c for c in log.calls if _is_loss(c) and c.overlaps(kill, kill + 0.05)]
    killed_at = f"127.0.0.1:{killed.port}"
    from_killed = all(c.status == 0 or killed_at in c.upstream for c in in_flight)
    resent = [
        c for c in log.calls if c.status < 500 and killed_at in c.upstream and "," in c.upstream
    ]
    unexplained = [
        c for c in log.calls if _is_loss(c) and c not in in_restart and c not in in_flight
    ]
    errors_500 = [c for c in log.calls if c.status == 500]

    phases = {
        "before restart": (started, graceful[0]),
        "graceful restart": graceful,
        "between": (graceful[1], kill),
        "kill .. return": (kill, moments["return"]),
        "after return": (moments["return"], started + elapsed),
    }
    rows = []
    for phase, (start, end) in phases.items():
        calls = [c for c in log.calls if start <= c.started < end]
        rows.append(
            (
                phase,
                f"{end - start:5.1f}s",
                len(calls),
                sum(200 <= c.status < 300 for c in calls),
                sum(400 <= c.status < 500 for c in calls),
                sum(c.status >= 500 for c in calls),
                sum(c.status == 0 for c in calls),
            )
        )
    print(
        table(
            f"fleet traffic through nginx ({elapsed:.0f}s, {USERS} users + 1 admin)",
            ("phase", "length", "requests", "2xx", "4xx", "5xx", "no answer"),
            rows,
        )
    )
    ports = {f"127.0.0.1:{i.port}": i.name for i in (first, restarted, killed)}
    losses = [c for c in log.calls if _is_loss(c)]
    print(
        table(
            "every 5xx or unanswered request (t from the start; instances tried by nginx)",
            ("t", "took", "request", "status", "instances"),
            [
                (
                    f"{c.started - started:6.2f}s",
                    f"{c.ended - c.started:5.2f}s",
                    f"{c.method} {c.route}",
                    c.status,
                    " ".join(ports.get(u.strip(), u.strip()) for u in c.upstream.split(",")),
                )
                for c in losses
            ],
        )
    )
    print(
        "events: "
        + ", ".join(
            f"{name} {moment - started:.2f}s" for name, moment in moments.items() if name != "drain"
        )
        + f"; restarted={restarted.name} killed={killed.name}"
    )
    by_route: dict[str, list[Call]] = {}
    for call in log.calls:
        by_route.setdefault(f"{call.method} {call.route}", []).append(call)
    print(
        table(
            "by route",
            ("route", "requests", "2xx", "401", "5xx"),
            [
                (
                    route,
                    len(calls),
                    sum(200 <= c.status < 300 for c in calls),
                    sum(c.status == 401 for c in calls),
                    sum(_is_loss(c) for c in calls),
                )
                for route, calls in sorted(by_route.items())
            ],
        )
    )

    across = _sessions_across_instances(nginx, [first, restarted, killed])
    limiter = _shared_limiter(nginx, first)
    results = [
        (
            "traffic ran the whole time",
            elapsed >= SECONDS,
            f"{elapsed:.1f}s, {len(log.calls)} requests",
        ),
        (
            "no 5xx during the graceful restart",
            not in_restart,
            f"{len(in_restart)} in {graceful[1] - graceful[0]:.1f}s"
            f" (SIGTERM to exit {moments['drain']:.1f}s, start {restarted.startup_seconds:.1f}s)",
        ),
        (
            "the kill loses only requests in flight on it",
            from_killed and len(in_flight) <= USERS + 1,
            f"{len(in_flight)} lost {sorted({c.route for c in in_flight})};"
            f" {len(resent)} resent by nginx and answered",
        ),
        ("no other 5xx or unanswered request", not unexplained, f"{len(unexplained)}"),
        ("no 500 anywhere", not errors_500, f"{len(errors_500)}"),
        (
            "sessions and revocations hold (traffic)",
            not log.violations,
            f"{len(log.violations)} broken: {log.violations[:3]}",
        ),
        *across,
        *limiter,
    ]
    print(checks("fleet checks", results))
    failed = [name for name, ok, _ in results if not ok]
    assert not failed, failed


def _sessions_across_instances(
    nginx: Nginx, instances: list[Instance]
) -> list[tuple[str, bool, str]]:
    # Signed in through nginx; every instance, asked directly, agrees; a logout on one is
    # a logout on all.
    username = f"across{secrets.token_hex(4)}"
    with httpx.Client(timeout=10) as http:
        http.post(
            f"{nginx.url}/api/v1/auth/register",
            json={"username": username, "email": f"{username}@example.com", "password": PASSWORD},
        ).raise_for_status()
        login = http.post(
            f"{nginx.url}/api/v1/auth/login", json={"username": username, "password": PASSWORD}
        )
        token = login.json()["data"]["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        signed_in = [
            http.get(f"{i.url}/api/v1/users/me", headers=auth).status_code for i in instances
        ]
        http.post(f"{instances[0].url}/api/v1/auth/logout", headers=auth).raise_for_status()
        revoked = [
            http.get(f"{i.url}/api/v1/users/me", headers=auth).status_code for i in instances
        ]
    return [
        (
            "a session is every instance's",
            signed_in == [200] * 3,
            f"/users/me per instance {signed_in}",
        ),
        ("a logout on one holds on all", revoked == [401] * 3, f"after logout {revoked}"),
    ]


def _shared_limiter(nginx: Nginx, instance: Instance) -> list[tuple[str, bool, str]]:
    # One address sends failed logins through nginx, which spreads them over the instances.
    address, other = next_address(), next_address()
    statuses: list[int] = []
    upstreams: set[str] = set()

    def failed_login(http: httpx.Client, url: str, headers: dict[str, str] | None = None) -> int:
        response = http.post(
            f"{url}/api/v1/auth/login",
            json={"username": f"nobody{secrets.token_hex(4)}", "password": "wrong password!"},
            headers=headers or {},
        )
        upstreams.add(response.headers.get("x-upstream", ""))
        return response.status_code

    with httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=10) as http:
        statuses = [failed_login(http, nginx.url) for _ in range(BURST)]
        spoofed_via_proxy = failed_login(http, nginx.url, {"X-Forwarded-For": "198.51.100.9"})
        spoofed_direct = failed_login(http, instance.url, {"X-Forwarded-For": "198.51.100.10"})
    with httpx.Client(transport=httpx.HTTPTransport(local_address=other), timeout=10) as http:
        neighbour = failed_login(http, nginx.url)
    refused, limited = statuses.count(401), statuses.count(429)
    upstreams.discard("")
    return [
        (
            "the limiter is shared by the fleet",
            (refused, limited) == (LOGIN_LIMIT, BURST - LOGIN_LIMIT) and len(upstreams) == 3,
            f"{BURST} failures from {address} over {len(upstreams)} instances:"
            f" {refused}x401 {limited}x429",
        ),
        (
            "the forwarded address reaches it",
            neighbour == 401,
            f"next address {other}: {neighbour}",
        ),
        (
            "a client's X-Forwarded-For is ignored",
            (spoofed_via_proxy, spoofed_direct) == (429, 429),
            f"via nginx {spoofed_via_proxy}, direct to an instance {spoofed_direct}",
        ),
    ]
