"""`python -m bench`: measure the app against a bare FastAPI endpoint on this machine."""

import argparse
import asyncio
import collections
import dataclasses
import logging
import os
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

import httpx

from bench import harness, report, scenarios, servers, wrk

logger = logging.getLogger("bench")
ROOT = Path(__file__).resolve().parent.parent
LOGIN_WORKERS = 16
ME_SCENARIO = "GET /api/v1/users/me (authenticated)"
# BENCH_POSTGRES_URL=... runs the app on that server instead of the embedded default.
BACKEND_VARIABLES = (
    "POSTGRES_URL",
    "MYSQL_URL",
    "MONGO_URL",
    "REDIS_URL",
)


def app_environment() -> dict[str, str]:
    """Settings for the measured app: development defaults, quiet logs, BENCH_* backends."""
    env = {"ENVIRONMENT": "development", "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)}
    for name in BACKEND_VARIABLES:
        if value := os.environ.get(f"BENCH_{name}"):
            env[name] = value
    return env


async def measure_endpoints(
    app: servers.Server, bare: wrk.Measurement, load: wrk.Load, env: Mapping[str, str], cwd: Path
) -> list[report.Row]:
    """Set up and drive each scenario; a failed setup is a row with the reason."""
    rows = [_row("bare FastAPI GET / (baseline)", bare, bare)]
    async with httpx.AsyncClient(base_url=app.base_url, timeout=30) as client:
        for name, setup in scenarios.SCENARIOS.items():
            logger.info("setting up %s", name)
            try:
                request = await setup(client, env, cwd)
            except scenarios.SetupError as exc:
                rows.append(report.Row(name, note=f"not measured: {exc}"))
                continue
            logger.info("driving %s for %ss", name, load.duration_seconds)
            result = await wrk.drive(
                app.base_url + request.path, load, request.method, request.body, request.headers
            )
            rows.append(_row(name, result, bare))
    return rows


def _row(name: str, result: wrk.Measurement, bare: wrk.Measurement) -> report.Row:
    return report.Row(
        name,
        result.requests_per_second,
        result.p50_ms,
        result.p99_ms,
        result.requests_per_second / bare.requests_per_second,
        result.errors,
    )


async def loop_health(app: servers.Server, load: wrk.Load) -> dict[str, object]:
    """p99 of /health/live alone, then while `LOGIN_WORKERS` clients log in without pause."""
    probe = wrk.Load(load.duration_seconds, connections=4, threads=1)
    idle = await wrk.drive(app.base_url + "/health/live", probe)
    statuses: collections.Counter[int] = collections.Counter()
    stop = asyncio.Event()
    async with httpx.AsyncClient(base_url=app.base_url, timeout=30) as client:
        users = [f"benchlogin{i}" for i in range(LOGIN_WORKERS)]
        try:
            for user in users:
                await scenarios.login_user(client, user)
        except scenarios.SetupError as exc:
            return {"text": f"not measured: {exc}"}

        async def keep_logging_in(user: str) -> None:
            while not stop.is_set():
                response = await client.post(
                    "/api/v1/auth/login", json={"username": user, "password": scenarios.PASSWORD}
                )
                statuses[response.status_code] += 1

        workers = [asyncio.create_task(keep_logging_in(user)) for user in users]
        try:
            busy = await wrk.drive(app.base_url + "/health/live", probe)
        finally:
            stop.set()
            await asyncio.gather(*workers)
    ratio = busy.p99_ms / idle.p99_ms if idle.p99_ms else float("inf")
    met = "met" if ratio <= 3 else "MISSED"
    return {
        "idle_p99_ms": idle.p99_ms,
        "busy_p99_ms": busy.p99_ms,
        "ratio": ratio,
        "login_statuses": dict(statuses),
        "text": (
            f"/health/live p99 {idle.p99_ms:.2f} ms idle, {busy.p99_ms:.2f} ms during "
            f"{LOGIN_WORKERS} concurrent logins ({ratio:.1f}x; target <= 3x: {met}; "
            f"login responses {dict(statuses)})"
        ),
    }


async def measure_tracing(
    traced: servers.Server, untraced: report.Row | None, bare: wrk.Measurement, load: wrk.Load
) -> tuple[report.Row, dict[str, object]]:
    """`/api/v1/users/me` with tracing on (spans to memory), against the same run's tracing off."""
    name = "GET /api/v1/users/me (tracing on, in-memory exporter)"
    async with httpx.AsyncClient(base_url=traced.base_url, timeout=30) as client:
        try:
            token = await scenarios.login_user(client, "benchtraced")
        except scenarios.SetupError as exc:
            return report.Row(name, note=f"not measured: {exc}"), {"text": f"not measured: {exc}"}
    headers = {"Authorization": f"Bearer {token}"}
    result = await wrk.drive(traced.base_url + "/api/v1/users/me", load, headers=headers)
    row = _row(name, result, bare)
    if untraced is None or not untraced.requests_per_second:
        return row, {"text": "not compared: the untraced scenario was not measured"}
    ratio = result.requests_per_second / untraced.requests_per_second
    return row, {
        "ratio": ratio,
        "text": f"tracing on serves {ratio:.0%} of tracing off's requests/s on /api/v1/users/me "
        "(one shared machine: differences of a few percent are noise)",
    }


def target_checks(rows: list[report.Row]) -> dict[str, dict[str, object]]:
    """The issue's throughput targets, reported (never asserted)."""
    targets = {"GET /health/live": 0.8, ME_SCENARIO: 0.3}
    checks: dict[str, dict[str, object]] = {}
    for row in rows:
        if row.endpoint in targets:
            goal = targets[row.endpoint]
            if row.ratio_to_bare is None:
                text = f"target >= {goal:.0%} of bare: not measured"
            else:
                verdict = "met" if row.ratio_to_bare >= goal else "MISSED"
                text = f"{row.ratio_to_bare:.0%} of bare (target >= {goal:.0%}: {verdict})"
            checks[f"target {row.endpoint}"] = {"ratio": row.ratio_to_bare, "text": text}
    return checks


async def run(args: argparse.Namespace) -> report.Run:
    """Start both servers, measure, and collect the results."""
    wrk.require_wrk()
    load = wrk.Load(args.duration, args.connections)
    result = report.Run(meta={"load": dataclasses.asdict(load)})
    env = app_environment()
    with tempfile.TemporaryDirectory(prefix="bench-app-") as directory:
        cwd = Path(directory)
        with (
            servers.serve("bare", "bench.bare:app", "/", env, cwd, cwd / "bare.log") as bare_srv,
            servers.serve("app", "app.main:app", "/health/live", env, cwd, cwd / "app.log") as app,
        ):
            logger.info("driving the bare endpoint for %ss", load.duration_seconds)
            bare = await wrk.drive(bare_srv.base_url + "/", load)
            result.rows = await measure_endpoints(app, bare, load, env, cwd)
            result.checks = target_checks(result.rows)
            logger.info("measuring event-loop health under password hashing")
            result.checks["event loop under logins"] = await loop_health(app, load)
        # Tracing on, in a server of its own started after the others stopped (two cores).
        with servers.serve(
            "traced", "bench.traced:app", "/health/live", env, cwd, cwd / "traced.log"
        ) as traced:
            logger.info("driving /api/v1/users/me with tracing on for %ss", load.duration_seconds)
            untraced = next((r for r in result.rows if r.endpoint == ME_SCENARIO), None)
            row, check = await measure_tracing(traced, untraced, bare, load)
            result.rows.append(row)
            result.checks["tracing overhead"] = check
    if not args.skip_harness:
        logger.info("timing the unit tier (warm, then a fresh clone)")
        for name, timing in (
            ("unit tier (warm venv)", harness.warm_unit(ROOT, args.nox_python)),
            (
                "unit tier (fresh clone, venv created)",
                harness.fresh_clone_unit(ROOT, args.nox_python),
            ),
        ):
            met = "met" if timing.wall_seconds < 30 else "MISSED"
            result.checks[name] = {
                "wall_seconds": timing.wall_seconds,
                "tests": timing.tests,
                "pytest_seconds": timing.pytest_seconds,
                "text": f"{timing.tests} tests, pytest {timing.pytest_seconds:.1f}s, "
                f"wall {timing.wall_seconds:.1f}s (target < 30s: {met})",
            }
    return result


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, then compare two saved runs or make a new one."""
    parser = argparse.ArgumentParser(prog="nox -s bench --", description=__doc__)
    parser.add_argument("--duration", type=int, default=10, help="seconds per endpoint")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections")
    parser.add_argument("--skip-harness", action="store_true", help="skip unit-tier timings")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    # The bench's own venv has no nox: the session passes the interpreter that runs nox.
    parser.add_argument("--nox-python", default=sys.executable, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="bench: %(message)s", stream=sys.stderr)
    if args.compare:
        sys.stdout.write(report.compare(*args.compare) + "\n")
        return 0
    result = asyncio.run(run(args))
    sys.stdout.write(report.render(result) + "\n")
    sys.stdout.write(f"saved {report.save(result)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
