"""Developer and CI sessions: `nox -s dev`, `unit`, `contract`, `lint`, `typecheck`."""

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
        env={"ENVIRONMENT": "development"},
    )


@nox.session
def unit(session: nox.Session) -> None:
    """Unit tier: in-process fakes, no network sockets, seconds."""
    install(session, "test")
    session.run(
        "pytest",
        "tests/unit",
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
