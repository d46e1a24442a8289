"""`python -m bench`: measure the app against a bare FastAPI endpoint on this machine.

With `BENCH_POSTGRES_URL`, `BENCH_MYSQL_URL`, `BENCH_MONGO_URL` or `BENCH_REDIS_URL` set, the
app runs on those servers (a throwaway database or key prefix on each, dropped at the end);
a backend without one runs embedded, and the report says which did.
"""

import argparse
import asyncio
import collections
import contextlib
import dataclasses
import logging
import os
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import httpx

from bench import backends, churn, cpu, harness, report, scenarios, servers, wrk

logger = logging.getLogger("bench")
ROOT = Path(__file__).resolve().parent.parent
LOGIN_WORKERS = 16
LOOP_RUNS = 3
BARE = "bare FastAPI GET / (baseline)"


def base_environment() -> dict[str, str]:
    """Settings for the measured app: development defaults and quiet logs."""
    return {
        "ENVIRONMENT": "development",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
        # The tokens made at setup must outlive the whole run (15 minutes is the default).
        "ACCESS_TOKEN_TTL_SECONDS": "7200",
    }


# After wrk stops, each connection may leave one request in the server; it is drained (its CPU
# counted with the run) before the next measurement starts, or that one would pay for it.
DRAIN_WINDOW_SECONDS = 0.25
DRAIN_IDLE_SHARE = 0.05
DRAIN_LIMIT_SECONDS = 120.0


async def drain(pid: int) -> None:
    """Wait until the server is idle: under 5% of a core over a quarter of a second."""
    waited = 0.0
    while waited < DRAIN_LIMIT_SECONDS:
        before = cpu.process_tree_seconds(pid)
        await asyncio.sleep(DRAIN_WINDOW_SECONDS)
        waited += DRAIN_WINDOW_SECONDS
        if cpu.process_tree_seconds(pid) - before < DRAIN_WINDOW_SECONDS * DRAIN_IDLE_SHARE:
            return
    logger.warning("server %d still busy after %.0fs", pid, DRAIN_LIMIT_SECONDS)


async def sample(
    server: servers.Server,
    request: scenarios.Request,
    connections: int,
    seconds: int,
    *,
    drained: bool = True,
) -> report.Sample:
    """Drive one request shape once; the server's CPU is read around the run and its drain.

    `drained=False` skips the waits for an idle server (a probe run beside other load).

    CPU per request divides by the requests wrk saw complete plus one in flight per
    connection when wrk stopped (the server finishes those during the drain).
    """
    load = wrk.Load(seconds, connections)
    if drained:
        await drain(server.process.pid)
    before = cpu.process_tree_seconds(server.process.pid)
    result = await wrk.drive(
        server.base_url + request.path,
        load,
        request.method,
        request.body,
        request.headers,
        request.delete_prefix,
    )
    if drained:
        await drain(server.process.pid)
    used = cpu.process_tree_seconds(server.process.pid) - before
    return report.Sample(
        **dataclasses.asdict(result),
        cpu_us_per_request=cpu.micros_per_request(used, result.requests + connections),
    )


async def set_up(
    app: servers.Server, env: Mapping[str, str], cwd: Path, only: Sequence[str]
) -> tuple[dict[str, scenarios.Request], list[report.Row]]:
    """Each scenario's request; a failed setup becomes a row saying why."""
    requests: dict[str, scenarios.Request] = {}
    refused: list[report.Row] = []
    async with httpx.AsyncClient(base_url=app.base_url, timeout=30) as client:
        for name, setup in scenarios.SCENARIOS.items():
            logger.info("setting up %s", name)
            try:
                request = await setup(client, env, cwd)
            except scenarios.SetupError as exc:
                refused.append(report.Row(name, note=f"not measured: {exc}"))
                continue
            if not only or any(word.lower() in name.lower() for word in only):
                requests[name] = request
    return requests, refused


async def measure_rounds(
    bare: servers.Server,
    app: servers.Server,
    requests: Mapping[str, scenarios.Request],
    args: argparse.Namespace,
    apart: Mapping[str, servers.Server] | None = None,
) -> list[report.Row]:
    """Every round drives the bare endpoint, then each scenario, at each connection count.

    A scenario named in `apart` is driven against that server instead of `app`.
    """
    apart = apart or {}
    samples: dict[tuple[str, int], list[report.Sample]] = collections.defaultdict(list)
    for number in range(1, args.rounds + 1):
        for connections in args.connections:
            logger.info("round %d/%d, %d connections", number, args.rounds, connections)
            bare_request = scenarios.Request("/")
            samples[BARE, connections].append(
                await sample(bare, bare_request, connections, args.duration)
            )
            for name, request in requests.items():
                server = apart.get(name, app)
                samples[name, connections].append(
                    await sample(server, request, connections, args.duration)
                )
    return [
        report.summarize(name, connections, measured, samples[BARE, connections])
        for (name, connections), measured in samples.items()
    ]


async def measure_scaling(
    one: servers.Server, two: servers.Server, request: scenarios.Request, args: argparse.Namespace
) -> dict[str, object]:
    """`/users/me` on one worker, then on two, alternating; the speed-up of two over one."""
    texts, speedups = [], {}
    for connections in args.connections:
        single, double = [], []
        for _ in range(args.rounds):
            single.append(await sample(one, request, connections, args.duration))
            double.append(await sample(two, request, connections, args.duration))
        one_rps = report.summarize("1", connections, single, single).requests_per_second or 0.0
        two_row = report.summarize("2", connections, double, double)
        two_rps = two_row.requests_per_second or 0.0
        speedups[connections] = two_rps / one_rps if one_rps else None
        texts.append(
            f"{connections} connections: 1 worker {one_rps:,.0f} req/s, 2 workers "
            f"{two_rps:,.0f} req/s ({two_rps / one_rps if one_rps else 0:.2f}x, "
            f"{two_row.non_2xx} non-2xx)"
        )
    return {
        "speedup": speedups,
        "text": "; ".join(texts) + " (wrk runs on the same 2 cores: 2x is out of reach)",
    }


async def loop_health(app: servers.Server, seconds: int) -> dict[str, object]:
    """p99 of /health/live alone, then while `LOGIN_WORKERS` clients log in without pause."""
    probe = scenarios.Request("/health/live")
    statuses: collections.Counter[int | str] = collections.Counter()
    async with httpx.AsyncClient(base_url=app.base_url, timeout=120) as client:
        users = [f"benchlogin{i}" for i in range(LOGIN_WORKERS)]
        try:
            for user in users:
                await scenarios.login_user(client, user)
        except scenarios.SetupError as exc:
            return {"text": f"not measured: {exc}"}
        runs = []
        for _ in range(LOOP_RUNS):
            idle = await sample(app, probe, 4, seconds)
            stop = asyncio.Event()

            async def keep_logging_in(user: str, stop: asyncio.Event = stop) -> None:
                while not stop.is_set():
                    try:
                        response = await client.post(
                            "/api/v1/auth/login",
                            json={"username": user, "password": scenarios.PASSWORD},
                        )
                    except httpx.TransportError as error:
                        # A login slower than the client's timeout is a result, not a crash.
                        statuses[type(error).__name__] += 1
                        continue
                    statuses[response.status_code] += 1

            workers = [asyncio.create_task(keep_logging_in(user)) for user in users]
            try:
                # Not drained: the logins keep the server busy; only the probe's p99 counts.
                busy = await sample(app, probe, 4, seconds, drained=False)
            finally:
                stop.set()
                await asyncio.gather(*workers)
            runs.append((idle.p99_ms, busy.p99_ms))
    ratios = [busy / idle if idle else float("inf") for idle, busy in runs]
    met = "met" if max(ratios) <= 3 else "MISSED"
    detail = ", ".join(
        f"{idle:.2f} -> {busy:.2f} ms ({ratio:.1f}x)"
        for (idle, busy), ratio in zip(runs, ratios, strict=True)
    )
    return {
        "runs": runs,
        "ratios": ratios,
        "login_statuses": dict(statuses),
        "text": (
            f"/health/live p99 idle -> during {LOGIN_WORKERS} concurrent logins, "
            f"{LOOP_RUNS} runs: {detail} (target <= 3x in every run: {met}; "
            f"login responses {dict(statuses)})"
        ),
    }


async def measure_tracing(
    traced: servers.Server, args: argparse.Namespace
) -> tuple[report.Row, dict[str, object]]:
    """`/api/v1/users/me` with tracing on (spans to memory), one round at the first count."""
    name = "GET /api/v1/users/me (tracing on, in-memory exporter)"
    async with httpx.AsyncClient(base_url=traced.base_url, timeout=30) as client:
        try:
            token = await scenarios.login_user(client, "benchtraced")
        except scenarios.SetupError as exc:
            return report.Row(name, note=f"not measured: {exc}"), {"text": f"not measured: {exc}"}
    request = scenarios.Request("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
    measured = await sample(traced, request, args.connections[0], args.duration)
    row = report.summarize(name, args.connections[0], [measured], [])
    return row, {"text": f"tracing on: {measured.cpu_us_per_request or 0:,.0f} us CPU/request"}


SOAK_CONNECTIONS = 256
SOAK_SCENARIOS = (scenarios.ME_SCENARIO, "GET /api/v1/categories")


async def soak(
    app: servers.Server, requests: Mapping[str, scenarios.Request], seconds: int
) -> dict[str, object]:
    """Long runs at `SOAK_CONNECTIONS` against one worker at default settings (only 2xx?)."""
    results, texts = {}, []
    for name in SOAK_SCENARIOS:
        if name not in requests:
            continue
        measured = await sample(app, requests[name], SOAK_CONNECTIONS, seconds)
        results[name] = dataclasses.asdict(measured)
        texts.append(
            f"{name}: {measured.requests:,} responses, {measured.non_2xx} non-2xx, "
            f"{measured.socket_errors} socket errors, p99 {measured.p99_ms:,.0f} ms"
        )
    verdict = all(r["non_2xx"] == 0 and r["socket_errors"] == 0 for r in results.values())
    return {
        "results": results,
        "text": f"{SOAK_CONNECTIONS} connections for {seconds}s, one worker: "
        + "; ".join(texts)
        + f" (only 2xx: {'met' if verdict and results else 'MISSED'})",
    }


async def steady_churn(
    app: servers.Server, request: scenarios.Request, seconds: int, database_url: str
) -> dict[str, object]:
    """PostgreSQL connections the app opens during a steady run, after a warm-up run."""
    await sample(app, request, SOAK_CONNECTIONS, CHURN_WARM_UP_SECONDS)
    before = await churn.backend_pids(database_url)
    await sample(app, request, SOAK_CONNECTIONS, seconds)
    measured = churn.Churn(before=before, after=await churn.backend_pids(database_url))
    return {"opened": measured.opened, "closed": measured.closed, "text": measured.text()}


# The pool grows to its steady size in the first seconds of a load; churn counts after that.
CHURN_WARM_UP_SECONDS = 3


# The target for authenticated /users/me, on real servers: CPU per request.
ME_CPU_TARGET_US = 900


def target_checks(rows: Sequence[report.Row]) -> dict[str, dict[str, object]]:
    """The CPU-per-request target for `/users/me` per connection count (reported, not asserted)."""
    checks: dict[str, dict[str, object]] = {}
    for row in rows:
        if row.endpoint != scenarios.ME_SCENARIO:
            continue
        if row.cpu_us_per_request is None:
            text = f"target <= {ME_CPU_TARGET_US} us CPU/request: not measured"
        else:
            verdict = "met" if row.cpu_us_per_request <= ME_CPU_TARGET_US else "MISSED"
            text = (
                f"{row.cpu_us_per_request:,.0f} us CPU/request "
                f"(target <= {ME_CPU_TARGET_US}: {verdict})"
            )
        checks[f"target {row.endpoint} at {row.connections}"] = {
            "cpu_us_per_request": row.cpu_us_per_request,
            "text": text,
        }
    return checks


def unit_tier_checks(args: argparse.Namespace) -> dict[str, dict[str, object]]:
    """How long the unit tier takes, warm and from a fresh clone."""
    checks: dict[str, dict[str, object]] = {}
    for name, timing in (
        ("unit tier (warm venv)", harness.warm_unit(ROOT, args.nox_python)),
        ("unit tier (fresh clone, venv created)", harness.fresh_clone_unit(ROOT, args.nox_python)),
    ):
        met = "met" if timing.wall_seconds < 30 else "MISSED"
        checks[name] = {
            "wall_seconds": timing.wall_seconds,
            "tests": timing.tests,
            "pytest_seconds": timing.pytest_seconds,
            "text": f"{timing.tests} tests, pytest {timing.pytest_seconds:.1f}s, "
            f"wall {timing.wall_seconds:.1f}s (target < 30s: {met})",
        }
    return checks


async def run(args: argparse.Namespace) -> report.Run:
    """Start the servers, measure, and collect the results."""
    wrk.require_wrk()
    if not cpu.available():
        raise SystemExit("the bench reads server CPU time from /proc: run it on Linux")
    arguments = {key: value for key, value in vars(args).items() if key != "compare"}
    result = report.Run(meta={"arguments": arguments})
    base = base_environment()
    with tempfile.TemporaryDirectory(prefix="bench-app-") as directory:
        cwd = Path(directory)
        async with backends.throwaway_backends(os.environ, cwd, base) as chosen:
            env = {**base, **chosen.env}
            result.meta["backends"] = chosen.labels
            ready = "/health/live"
            with (
                servers.serve("bare", "bench.bare:app", "/", env, cwd, cwd / "bare.log") as bare,
                servers.serve("app", "app.main:app", ready, env, cwd, cwd / "app.log") as app,
            ):
                requests, refused = await set_up(app, env, cwd, args.only)
                with contextlib.ExitStack() as stack:
                    # Same databases and Redis as `app` (the tokens hold), its own process.
                    apart = {
                        name: stack.enter_context(
                            servers.serve(
                                name, "app.main:app", ready, env, cwd, cwd / f"apart-{index}.log"
                            )
                        )
                        for index, (name, request) in enumerate(requests.items())
                        if request.own_server
                    }
                    rows = await measure_rounds(bare, app, requests, args, apart)
                result.rows = [*rows, *refused]
                result.checks.update(target_checks(result.rows))
                # Shown at once: a later check that fails must not take the table with it.
                logger.info("measured:\n%s", report.table(result.rows))
                if args.soak:
                    logger.info("soaking at %d connections for %ss", SOAK_CONNECTIONS, args.soak)
                    result.checks["no failures under load"] = await soak(app, requests, args.soak)
                    me = requests.get(scenarios.ME_SCENARIO)
                    if me is not None and "POSTGRES_URL" in chosen.env:
                        result.checks["connection churn"] = await steady_churn(
                            app, me, args.soak, chosen.env["POSTGRES_URL"]
                        )
                if not args.skip_loop:
                    logger.info("measuring event-loop health under password hashing")
                    loop = await loop_health(app, args.duration)
                    result.checks["event loop under logins"] = loop
                me = requests.get(scenarios.ME_SCENARIO)
                if me is not None and not args.skip_scaling:
                    with servers.serve(
                        "app2",
                        "app.main:app",
                        "/health/live",
                        env,
                        cwd,
                        cwd / "app2.log",
                        workers=2,
                    ) as two:
                        logger.info("measuring 1 worker against 2")
                        result.checks["2 workers"] = await measure_scaling(app, two, me, args)
            if args.tracing:
                with servers.serve(
                    "traced", "bench.traced:app", "/health/live", env, cwd, cwd / "traced.log"
                ) as traced:
                    row, check = await measure_tracing(traced, args)
                    result.rows.append(row)
                    result.checks["tracing"] = check
    if not args.skip_harness:
        logger.info("timing the unit tier (warm, then a fresh clone)")
        result.checks.update(unit_tier_checks(args))
    return result


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    """The command line (`nox -s bench -- ...`)."""
    parser = argparse.ArgumentParser(prog="nox -s bench --", description=__doc__)
    parser.add_argument("--duration", type=int, default=5, help="seconds per round and endpoint")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds")
    parser.add_argument(
        "--connections", type=int, nargs="+", default=[32, 256], help="wrk connection counts"
    )
    parser.add_argument("--only", nargs="*", default=[], help="scenarios whose name has a word")
    parser.add_argument(
        "--soak", type=int, default=30, help="seconds at 256 connections per soak run (0: skip)"
    )
    parser.add_argument("--skip-loop", action="store_true", help="skip the loop-lag check")
    parser.add_argument("--skip-scaling", action="store_true", help="skip the 2-worker run")
    parser.add_argument("--tracing", action="store_true", help="also measure tracing on")
    parser.add_argument("--skip-harness", action="store_true", help="skip unit-tier timings")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    # The bench's own venv has no nox: the session passes the interpreter that runs nox.
    parser.add_argument("--nox-python", default=sys.executable, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, then compare two saved runs or make a new one."""
    args = parse_arguments(argv)
    logging.basicConfig(level=logging.INFO, format="bench: %(message)s", stream=sys.stderr)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per setup request otherwise
    if args.compare:
        sys.stdout.write(report.compare(*args.compare) + "\n")
        return 0
    result = asyncio.run(run(args))
    sys.stdout.write(report.render(result) + "\n")
    sys.stdout.write(f"saved {report.save(result)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
