"""Developer and CI sessions: dev, unit, integration, contract, lint, typecheck, bench."""

import argparse
import importlib.util
import os
import shutil
import sys
from pathlib import Path

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["lint", "typecheck", "unit"]

ROOT = Path(__file__).parent
# Where `nox -s dev` keeps the embedded Redis and MongoDB between reloads.
DEV_STATE = "var/embedded"


def uv_command() -> tuple[str, ...]:
    """How to run uv: the one installed beside nox (`nox[uv]`), else the one on PATH."""
    if importlib.util.find_spec("uv") is not None:
        return (sys.executable, "-m", "uv")
    return (shutil.which("uv") or "uv",)


def install(session: nox.Session, *groups: str, project: bool = True) -> None:
    """Install exactly what uv.lock pins: the project (editable, `embedded` extra) and `groups`.

    `--locked` refuses a uv.lock that no longer matches pyproject.toml, naming `uv lock` as
    the fix, so no session ever runs on versions nobody locked.
    """
    selection = [arg for group in groups for arg in ("--group", group)]
    target = ["--extra", "embedded"] if project else ["--no-install-project"]
    session.run_install(
        *uv_command(),
        "sync",
        "--locked",
        "--quiet",
        "--no-default-groups",
        *target,
        *selection,
        # uv fills the session's virtualenv instead of the project's .venv.
        env={"UV_PROJECT_ENVIRONMENT": session.virtualenv.location},
        external=True,
    )
    # Some machines export PYTHONDONTWRITEBYTECODE=1; every pytest process would then
    # recompile thousands of modules (seconds each run). An empty value turns it off.
    session.env["PYTHONDONTWRITEBYTECODE"] = ""


def run_tests(session: nox.Session, *arguments: str) -> None:
    """pytest with `arguments`, then the session's own, in the test environment (no cache)."""
    session.run(
        "pytest",
        *arguments,
        "-p",
        "no:cacheprovider",
        *session.posargs,
        env={"ENVIRONMENT": "test"},
    )


def dev_arguments(posargs: list[str]) -> argparse.Namespace:
    """`nox -s dev -- --host H --port P`; DEV_HOST and DEV_PORT set the defaults."""
    parser = argparse.ArgumentParser(prog="nox -s dev --")
    parser.add_argument("--host", default=os.environ.get("DEV_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("DEV_PORT", "8000")))
    return parser.parse_args(posargs)


@nox.session
def dev(session: nox.Session) -> None:
    """Serve the app with reload on the embedded defaults (`-- --host H --port P`)."""
    options = dev_arguments(session.posargs)
    install(session)
    base = f"http://{options.host}:{options.port}"
    session.log(f"API docs: {base}/docs")
    session.log(f"GraphQL:  {base}/graphql")
    session.log(f"Health:   {base}/health/live")
    session.log("Reloads on changes under app/ and migrations/ only.")
    session.log(
        f"State: SQLite files under var/; the embedded Redis and MongoDB are saved to {DEV_STATE}"
        " at each reload or stop and restored at start (delete it to start empty)."
    )
    session.run(
        "uvicorn",
        "app.main:app",
        "--reload",
        # Only source changes reload: not .nox/, var/ or tests run beside the server.
        "--reload-dir",
        "app",
        "--reload-dir",
        "migrations",
        "--host",
        options.host,
        "--port",
        str(options.port),
        # The app logs one JSON access line per request; uvicorn's own would repeat it.
        "--no-access-log",
        env={"ENVIRONMENT": "development", "EMBEDDED_STATE_DIR": DEV_STATE},
    )


@nox.session
def unit(session: nox.Session) -> None:
    """Unit tier: in-process fakes, no network sockets, seconds."""
    install(session, "test")
    run_tests(
        session,
        "tests/unit",
        # The behaviour tests are shared with `integration`; here they run on fakes.
        "tests/behaviour",
        "--backend=fake",
        # One worker per core: fakes are per test, so tests share nothing (`-- -n 0` for one).
        "-n",
        "auto",
        "--durations=5",
    )


@nox.session
def integration(session: nox.Session) -> None:
    """Integration tier: the behaviour tests and more on real servers.

    Each server comes from its TEST_<BACKEND>_URL (an admin URL: each run creates and drops
    its own databases), else from testcontainers when Docker answers. TEST_ALLOW_MISSING
    names backends whose absence is a skip rather than a failure.
    """
    install(session, "integration")
    run_tests(session, "tests/integration", "tests/behaviour", "--backend=real", "--durations=5")


@nox.session
def contract(session: nox.Session) -> None:
    """Contract tier: schemathesis and hypothesis prove every route keeps the envelope.

    Quick `dev` hypothesis profile by default; `-- --hypothesis-profile=ci` for CI's longer,
    derandomized run; `-- --backend=real` for real servers. Other arguments go to pytest.
    """
    install(session, "contract")
    profile = (
        []
        if any(a.startswith("--hypothesis-profile") for a in session.posargs)
        else ["--hypothesis-profile=dev"]
    )
    run_tests(session, "tests/contract", *profile)


def apt_install(session: nox.Session, command: str, package: str) -> None:
    """Install a Debian package when its command is missing (CI and fresh machines)."""
    if shutil.which(command) or Path("/usr/sbin", command).exists():
        return
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    session.run(*sudo, "apt-get", "update", "-q", external=True)
    session.run(*sudo, "apt-get", "install", "-y", "-q", package, external=True)


@nox.session
def fleet(session: nox.Session) -> None:
    """Three instances behind nginx on real servers for 60 s: restart one, kill one.

    Servers come from the integration tier's TEST_*_URL variables; nginx is installed with
    apt-get when missing. `FLEET_SECONDS` shortens the run for a quick look.
    """
    apt_install(session, "nginx", "nginx")
    install(session, "integration")
    # The tables are the point: show them (`-s`).
    run_tests(session, "tests/fleet/test_fleet.py", "--backend=real", "-s")


@nox.session
def failover(session: nox.Session) -> None:
    """Redis beyond one plain node: Sentinel failover under signed-in traffic, and TLS.

    The Redis servers (primary, replica, three sentinels; a TLS-only server) are this
    session's own, on free loopback ports; PostgreSQL and MySQL come from TEST_POSTGRES_URL
    and TEST_MYSQL_URL. redis-sentinel is installed if missing.
    """
    apt_install(session, "redis-sentinel", "redis-sentinel")
    install(session, "integration")
    run_tests(
        session,
        "tests/fleet/test_sentinel_failover.py",
        "tests/fleet/test_redis_tls.py",
        "--backend=real",
        "-s",
    )


# What `nox -s static` scans with checkov: (framework, arguments naming the files).
CHECKOV_TARGETS = (
    ("dockerfile", ("--file", "Dockerfile")),
    ("kubernetes", ("--directory", "deploy/k8s")),
    ("github_actions", ("--directory", ".github/workflows")),
)


@nox.session
def static(session: nox.Session) -> None:
    """Static checks of what cannot run here: Dockerfile, Kubernetes, compose, CI workflows.

    checkov scans the Dockerfile, the kustomize base (its raw manifests) and the workflows
    and fails on any finding at all (skips are justified inline) or on a scan that checked
    nothing; compose.yaml and the workflows are validated against their published schemas.
    """
    import json

    install(session, "static", project=False)
    for framework, target in CHECKOV_TARGETS:
        # --skip-download: nothing is fetched from the vendor's platform.
        output = session.run(
            "checkov",
            "--skip-download",
            "--compact",
            "--output",
            "json",
            "--framework",
            framework,
            *target,
            silent=True,
            success_codes=[0, 1],
        )
        reports = json.loads(str(output))
        reports = reports if isinstance(reports, list) else [reports]
        summary = {
            key: sum(report.get("summary", {}).get(key, 0) for report in reports)
            for key in ("passed", "failed", "skipped")
        }
        session.log(f"checkov {framework} {' '.join(target)}: {summary}")
        for report in reports:
            for failed in report.get("results", {}).get("failed_checks", []):
                session.log(f"  {failed['check_id']} {failed['check_name']}: {failed['file_path']}")
        if summary["failed"] or not summary["passed"]:
            session.error(f"checkov {framework}: findings, or nothing was checked")
    session.run("check-jsonschema", "--builtin-schema", "vendor.compose-spec", "compose.yaml")
    session.run(
        "check-jsonschema",
        "--builtin-schema",
        "vendor.github-workflows",
        *(str(path) for path in sorted(Path(".github/workflows").glob("*.yml"))),
    )


@nox.session
def lint(session: nox.Session) -> None:
    """Ruff lint and format check."""
    install(session, "lint", project=False)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy strict over `app` and `tests`."""
    install(session, "typecheck")
    session.run("mypy", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Measure the app against a bare FastAPI endpoint with wrk; `-- --compare A B` diffs runs.

    `BENCH_POSTGRES_URL`, `BENCH_MYSQL_URL`, `BENCH_MONGO_URL` and `BENCH_REDIS_URL` put the app
    on those servers (throwaway databases); CI never runs this session (timings gate nothing).
    """
    if "--compare" not in session.posargs and shutil.which("wrk") is None:
        session.error(
            "wrk is not installed: `apt-get install wrk` (Debian/Ubuntu) or `brew install wrk`"
        )
    install(session, "test")
    # The unit-tier timings call nox again, with the interpreter running this noxfile.
    session.run("python", "-m", "bench", f"--nox-python={sys.executable}", *session.posargs)


@nox.session(venv_backend="none")
def scaffold(session: nox.Session) -> None:
    """Build the CLI wheel, install it alone, generate projects, run their READMEs and checks.

    The full project then gets two resources (`add resource`) and runs its lint, typecheck,
    unit and contract sessions; the time from the first `add resource` to green is printed.

    Then run this repository's own README Quickstart, verbatim, from a fresh clone with the
    system's /usr/bin/python3 first on PATH (an externally managed Python on Debian).
    """
    # Imported here: generated projects drop this whole session, and its imports with it.
    import tempfile
    import time
    import zipfile

    # nox's own interpreter runs this session (a console script need not see the checkout).
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from fastapi_fusion.quickstart import run_quickstart
    from fastapi_fusion.update_check import run_round_trip

    work = Path(tempfile.mkdtemp(prefix="fusion-scaffold-"))
    uv = uv_command()
    venv = work / "venv"
    cli = str(venv / "bin" / "fastapi-fusion")
    timings: list[str] = []

    session.log(f"work directory {work} (kept if a step fails)")
    session.log("[1/5] building the fastapi-fusion-cli wheel from cli/")
    started = time.monotonic()
    dist = work / "dist"
    session.run(*uv, "build", "--wheel", "--quiet", "--out-dir", str(dist), "cli", external=True)
    wheel = next(dist.glob("fastapi_fusion_cli-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    if any(name.startswith("app/") for name in names):
        session.error("the wheel installs a top-level `app` package")
    if "fastapi_fusion/template/app/main.py" not in names:
        session.error("the wheel carries no template")

    session.log(f"[2/5] installing {wheel.name} into an empty virtualenv")
    session.run(*uv, "venv", "--quiet", str(venv), external=True)
    session.run(*uv, "pip", "install", "--quiet", "--python", str(venv), str(wheel), external=True)
    installed = session.run(
        str(venv / "bin" / "python"),
        # Isolated: the working directory (this checkout) must not count as installed.
        "-I",
        "-c",
        "import importlib.metadata as m; print(*sorted(d.name for d in m.distributions()))",
        external=True,
        silent=True,
    )
    # The scaffolder copies files: it must pull in nothing, a web framework least of all.
    if str(installed).split() != ["fastapi-fusion-cli"]:
        session.error(f"the CLI pulled in other distributions: {str(installed).strip()}")
    session.run(cli, "--version", external=True)

    # The projects' commands run with the system Python first on PATH, as a stranger's would.
    system_path = {"PATH": f"/usr/bin:/bin:{os.environ.get('PATH', '')}"}
    env = {**os.environ, **system_path}
    projects = {"demo-full": (), "demo-lean": ("--without", "mysql,mongo,graphql")}
    for step, (project, options) in enumerate(projects.items(), start=3):
        target = work / project
        session.log(
            f"[{step}/5] {project}: create {' '.join(options) or '(full)'}, then its checks"
        )
        session.run(cli, "create", project, "--path", str(target), *options, external=True)
        if project == "demo-full":
            live, green = run_quickstart(target, env)
            timings.append(
                f"{project}: install and serve {live:.0f}s + unit {green:.0f}s"
                f" = install to green {live + green:.0f}s"
            )
            session.chdir(target)
            # Grow it as a user would: a PostgreSQL resource and an owned MongoDB one, then
            # the project's own checks, timed from the first `add resource` to green.
            added = time.monotonic()
            every_type = (
                "name:str,notes:text,count:int,price:decimal,in_stock:bool,due:date,at:datetime"
            )
            owned_mongo = ("--store", "mongo", "--owned", "--fields", "title:str,score:decimal")
            session.run(cli, "add", "resource", "tags", "--fields", every_type, external=True)
            session.run(cli, "add", "resource", "book-reviews", *owned_mongo, external=True)
            session.run(
                ".tools/bin/nox",
                *("-s", "lint", "typecheck", "unit", "contract"),
                external=True,
                env=system_path,
            )
            timings.append(f"{project}: add resource (x2) to green {time.monotonic() - added:.0f}s")
        else:
            session.chdir(target)
            session.run(
                sys.executable, "-m", "nox", "-s", "lint", "typecheck", "unit", external=True
            )
        session.chdir(ROOT)

    session.log("[update] a project from this wheel (A), edited, updated to this checkout + B")
    session.log(run_round_trip([cli], wheel, ROOT, work / "update"))

    session.log("[5/5] this repository's README Quickstart, verbatim, from a fresh clone")
    clone = work / "kit"
    session.run("git", "clone", "--quiet", str(ROOT), str(clone), external=True)
    live, green = run_quickstart(clone, env)
    timings.append(
        f"kit clone: install and serve {live:.0f}s + unit {green:.0f}s"
        f" = install to green {live + green:.0f}s"
    )

    shutil.rmtree(work)
    for line in timings:
        session.log(f"quickstart {line}")
    session.log(f"scaffold: all green in {time.monotonic() - started:.0f}s")
