"""Developer and CI sessions: dev, unit, integration, contract, lint, typecheck, bench."""

import os
import shutil
import sys
from pathlib import Path

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["lint", "typecheck", "unit"]

PYPROJECT = nox.project.load_toml("pyproject.toml")
ROOT = Path(__file__).parent


def install(session: nox.Session, *groups: str) -> None:
    """Install the project (editable) with the given dependency groups."""
    requirements = [
        req for group in groups for req in nox.project.dependency_groups(PYPROJECT, group)
    ]
    session.install("-e", ".", *requirements)
    # Some machines export PYTHONDONTWRITEBYTECODE=1; every pytest process would then
    # recompile thousands of modules (seconds each run). An empty value turns it off.
    session.env["PYTHONDONTWRITEBYTECODE"] = ""


@nox.session
def dev(session: nox.Session) -> None:
    """Serve the app with reload on the embedded defaults at http://127.0.0.1:8000."""
    install(session)
    session.log("API docs: http://127.0.0.1:8000/docs")
    session.log("GraphQL:  http://127.0.0.1:8000/graphql")
    session.log("Health:   http://127.0.0.1:8000/health/live")
    session.run(
        "uvicorn",
        "app.main:app",
        "--reload",
        "--host",
        "127.0.0.1",
        "--port",
        "8000",
        # The app logs one JSON access line per request; uvicorn's own would repeat it.
        "--no-access-log",
        env={"ENVIRONMENT": "development"},
    )


@nox.session
def unit(session: nox.Session) -> None:
    """Unit tier: in-process fakes, no network sockets, seconds."""
    install(session, "test")
    session.run(
        "pytest",
        "tests/unit",
        # The behaviour tests are shared with `integration`; here they run on fakes.
        "tests/behaviour",
        "--backend=fake",
        "-p",
        "no:cacheprovider",
        # One worker per core: fakes are per test, so tests share nothing (`-- -n 0` for one).
        "-n",
        "auto",
        "--durations=5",
        *session.posargs,
        env={"ENVIRONMENT": "test"},
    )


@nox.session
def integration(session: nox.Session) -> None:
    """Integration tier: the behaviour tests and more on real servers.

    Each server comes from its TEST_<BACKEND>_URL (an admin URL: each run creates and drops
    its own databases), else from testcontainers when Docker answers. TEST_ALLOW_MISSING
    names backends whose absence is a skip rather than a failure.
    """
    install(session, "integration")
    session.run(
        "pytest",
        "tests/integration",
        "tests/behaviour",
        "--backend=real",
        "-p",
        "no:cacheprovider",
        "--durations=5",
        *session.posargs,
        env={"ENVIRONMENT": "test"},
    )


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
    session.run(
        "pytest",
        "tests/contract",
        "-p",
        "no:cacheprovider",
        *profile,
        *session.posargs,
        env={"ENVIRONMENT": "test"},
    )


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
    session.run(
        "pytest",
        "tests/fleet/test_fleet.py",
        "--backend=real",
        "-p",
        "no:cacheprovider",
        # The tables are the point: show them.
        "-s",
        *session.posargs,
        env={"ENVIRONMENT": "test"},
    )


@nox.session
def failover(session: nox.Session) -> None:
    """Redis beyond one plain node: Sentinel failover under signed-in traffic, and TLS.

    The Redis servers (primary, replica, three sentinels; a TLS-only server) are this
    session's own, on free loopback ports; PostgreSQL and MySQL come from TEST_POSTGRES_URL
    and TEST_MYSQL_URL. redis-sentinel is installed if missing.
    """
    apt_install(session, "redis-sentinel", "redis-sentinel")
    install(session, "integration")
    session.run(
        "pytest",
        "tests/fleet/test_sentinel_failover.py",
        "tests/fleet/test_redis_tls.py",
        "--backend=real",
        "-p",
        "no:cacheprovider",
        "-s",
        *session.posargs,
        env={"ENVIRONMENT": "test"},
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

    session.install(*nox.project.dependency_groups(PYPROJECT, "static"))
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
    session.install(*nox.project.dependency_groups(PYPROJECT, "lint"))
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy strict over `app` and `tests`."""
    install(session, "typecheck")
    session.run("mypy", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Measure the app against a bare FastAPI endpoint with wrk; `-- --compare A B` diffs runs."""
    if "--compare" not in session.posargs and shutil.which("wrk") is None:
        session.error(
            "wrk is not installed: `apt-get install wrk` (Debian/Ubuntu) or `brew install wrk`"
        )
    install(session, "test")
    # The unit-tier timings call nox again, with the interpreter running this noxfile.
    session.run("python", "-m", "bench", f"--nox-python={sys.executable}", *session.posargs)


@nox.session(venv_backend="none")
def scaffold(session: nox.Session) -> None:
    """Build the distribution, install it fresh, generate two projects, run their checks."""
    # Imported here: generated projects drop this whole session, and its imports with it.
    import sys
    import tempfile
    import zipfile

    work = Path(tempfile.mkdtemp(prefix="fusion-scaffold-"))
    uv = (sys.executable, "-m", "uv")
    venv = work / "venv"
    cli = str(venv / "bin" / "fastapi-fusion")
    projects = {
        "demo-full": (),
        "demo-lean": ("--without", "mysql,mongo,graphql"),
    }

    session.log(f"work directory {work} (kept if a step fails)")
    session.log(f"[1/4] building sdist and wheel (the wheel from the sdist) into {work / 'dist'}")
    session.run(*uv, "build", "--quiet", "--out-dir", str(work / "dist"), str(ROOT), external=True)
    wheel = next((work / "dist").glob("fastapi_fusion_core-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    if any(name.startswith("app/") for name in names):
        session.error("the wheel installs a top-level `app` package")
    if "fastapi_fusion/template/app/main.py" not in names:
        session.error("the wheel carries no template")

    session.log(f"[2/4] installing {wheel.name} into a fresh virtualenv")
    session.run(*uv, "venv", "--quiet", str(venv), external=True)
    session.run(*uv, "pip", "install", "--quiet", "--python", str(venv), str(wheel), external=True)
    session.run(cli, "--version", external=True)

    for step, (project, options) in enumerate(projects.items(), start=3):
        target = work / project
        session.log(
            f"[{step}/4] {project}: create {' '.join(options) or '(full)'}, then its checks"
        )
        session.run(cli, "create", project, "--path", str(target), *options, external=True)
        session.chdir(target)
        session.run(sys.executable, "-m", "nox", "-s", "lint", "typecheck", "unit", external=True)
        session.chdir(ROOT)

    shutil.rmtree(work)
    session.log("scaffold: both generated projects pass lint, typecheck and unit")
