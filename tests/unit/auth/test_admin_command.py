"""`python -m app admin create`, run in process against a fresh SQLite admin database."""

import asyncio
import io
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager

from app.__main__ import main
from app.core.errors import ErrorType
from app.main import create_app
from app.settings import DatabaseSettings, Settings, get_settings
from tests.envelope import assert_envelope
from tests.harness.backends import admins_role

PASSWORD = "operator passphrase"


@pytest.fixture
def admin_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A not-yet-existing SQLite file as the admin role's URL; the command must build its schema."""
    path = tmp_path / "admins.sqlite3"
    monkeypatch.setenv(f"{admins_role().upper()}_URL", f"sqlite+aiosqlite:///{path}")
    monkeypatch.setenv("ENVIRONMENT", "test")
    monkeypatch.setenv("BCRYPT_ROUNDS", "4")
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


def run(argv: list[str], stdin: str, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(["admin", "create", *argv])


def admins(path: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT username, email, password_hash FROM admins").fetchall()
    return [(str(a), str(b), str(c)) for a, b, c in rows]


def test_creates_an_admin_from_stdin_and_builds_the_schema(
    admin_db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--username", "root", "--email", "Root@Example.com", "--password-stdin"]
    assert run(argv, PASSWORD + "\n", monkeypatch) == 0
    out, err = capsys.readouterr()
    assert out == "created administrator id=1 username=root\n"
    assert PASSWORD not in out + err
    [(username, email, password_hash)] = admins(admin_db)
    assert (username, email) == ("root", "root@example.com")
    assert password_hash.startswith("$2b$")


def test_a_taken_username_exits_1_with_one_line(
    admin_db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--username", "root", "--email", "root@example.com", "--password-stdin"]
    assert run(argv, PASSWORD, monkeypatch) == 0
    capsys.readouterr()
    assert run(argv, PASSWORD, monkeypatch) == 1
    err = capsys.readouterr().err
    assert err == "error: an administrator with that username or email exists\n"
    assert len(admins(admin_db)) == 1


@pytest.mark.parametrize(
    ("argv", "stdin", "reason"),
    [
        (["--username", "root", "--email", "r@x.io", "--password-stdin"], "short\n", "at least 8"),
        (["--username", "root", "--email", "r@x.io", "--password-stdin"], "é" * 37, "72 bytes"),
        (["--username", "root", "--email", "r@x.io", "--password-stdin"], "pass\x00word\n", "NUL"),
        (["--username", "root", "--email", "not-an-email", "--password-stdin"], PASSWORD, "email"),
        (["--username", "a b", "--email", "r@x.io", "--password-stdin"], PASSWORD, "username"),
        (["--username", "root", "--email", "r@x.io"], PASSWORD, "--password-stdin"),
    ],
    ids=["short", "73-bytes", "nul", "bad-email", "bad-username", "no-tty-no-stdin-flag"],
)
def test_bad_input_exits_2_with_a_reason_and_writes_nothing(
    admin_db: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    stdin: str,
    reason: str,
) -> None:
    assert run(argv, stdin, monkeypatch) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert err.count("\n") == 1
    assert reason in err
    assert not admin_db.exists()


def test_prompts_twice_at_a_terminal(
    admin_db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = iter([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    terminal = io.StringIO()
    monkeypatch.setattr(terminal, "isatty", lambda: True)
    monkeypatch.setattr("sys.stdin", terminal)
    assert main(["admin", "create", "--username", "root", "--email", "r@x.io"]) == 2
    assert capsys.readouterr().err == "error: the passwords differ\n"


async def test_the_created_admin_can_sign_in(
    admin_db: Path, monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    argv = ["--username", "root", "--email", "root@example.com", "--password-stdin"]
    # main() runs its own event loop, so it gets a thread of its own.
    assert await asyncio.to_thread(run, argv, PASSWORD, monkeypatch) == 0
    database = DatabaseSettings(
        **{
            **settings.database.model_dump(),
            f"{admins_role()}_url": f"sqlite+aiosqlite:///{admin_db}",
        }
    )
    app = create_app(settings.model_copy(update={"database": database}))
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            response = await client.post(
                "/api/v1/admin/auth/login", json={"username": "root", "password": PASSWORD}
            )
            token = assert_envelope(response, 200, ErrorType.SUCCESS)["data"]["access_token"]
            listing = await client.get(
                "/api/v1/admin/users", headers={"Authorization": f"Bearer {token}"}
            )
            assert_envelope(listing, 200)
