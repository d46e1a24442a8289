"""The command line: exit codes, one-line reasons, version, help and next steps."""

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from fastapi_fusion import __version__
from fastapi_fusion.cli import NEXT_STEPS, main
from tests.command_line import one_line_error


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"fastapi-fusion {__version__}"


def test_the_kit_and_the_cli_share_one_version(repo_root: Path) -> None:
    for pyproject in (repo_root / "pyproject.toml", repo_root / "cli" / "pyproject.toml"):
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        assert data["project"]["version"] == __version__, pyproject


def test_help_lists_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "create" in capsys.readouterr().out
    assert main(["create", "--no-lock", "--help"]) == 0
    out = capsys.readouterr().out
    assert "--without" in out
    assert "--path" in out


@pytest.mark.parametrize(
    ("argv", "reason"),
    [
        ([], "missing command"),
        (["destroy", "x"], "invalid choice: 'destroy'"),
        (["create"], "the following arguments are required: NAME"),
        (["create", "--no-lock", "shop", "--colour", "red"], "unrecognized arguments"),
        (["create", "--no-lock", "../x"], "looks like a path"),
        (["create", "--no-lock", "2shop"], "must start with a letter"),
        (["create", "--no-lock", "fastapi"], "taken"),
        (
            ["create", "--no-lock", "shop", "--without", "mysql,redis"],
            "unknown feature(s) for --without: redis",
        ),
    ],
)
def test_usage_errors_exit_2_with_one_line(
    argv: list[str],
    reason: str,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert reason in one_line_error(captured.err, "fastapi-fusion")
    assert captured.out == ""
    assert list(tmp_path.iterdir()) == []


def test_a_non_empty_target_exits_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    assert main(["create", "--no-lock", "shop", "--path", str(tmp_path)]) == 1
    assert "is not empty" in one_line_error(capsys.readouterr().err, "fastapi-fusion")
    assert [path.name for path in tmp_path.iterdir()] == ["notes.txt"]


def test_create_prints_the_next_steps(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["create", "--no-lock", "My Shop"]) == 0
    target = (tmp_path / "my-shop").resolve()
    assert (target / "app" / "main.py").is_file()
    captured = capsys.readouterr()
    assert captured.err == ""
    lines = captured.out.splitlines()
    assert lines[0] == f"Created My Shop (my-shop) in {target}"
    assert [line.strip() for line in lines[-3:]] == [f"cd {target}", *NEXT_STEPS]
    # A repository with one commit holding every file.
    log = _git(target, "log", "--format=%s")
    assert log.splitlines() == [f"My Shop: created with fastapi-fusion {__version__}"]
    assert _git(target, "status", "--porcelain") == ""
    assert "app/main.py" in _git(target, "ls-files").splitlines()


def _git(where: Path, *args: str) -> str:
    command = ["git", *args]
    return subprocess.run(command, cwd=where, capture_output=True, text=True, check=True).stdout  # noqa: S603


def test_no_git_and_no_uv(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("fastapi_fusion.finishing.uv_command", lambda: None)
    assert main(["create", "shop", "--path", str(tmp_path / "shop"), "--no-git"]) == 0
    assert not (tmp_path / "shop" / ".git").exists()
    err = capsys.readouterr().err
    assert err == "note: uv is not installed: run `uv lock` in the project first\n"


def _modules_mentioning(target: Path, names: tuple[str, ...]) -> list[str]:
    """The generated `.py` files (relative paths) whose text contains any of `names`."""
    return [
        str(path.relative_to(target))
        for path in target.rglob("*.py")
        if any(name in path.read_text(encoding="utf-8") for name in names)
    ]


def test_without_graphql_leaves_graphql_out(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "lean"
    argv = ["create", "--no-lock", "lean", "--path", str(target), "--without", "graphql"]
    assert main(argv) == 0
    assert capsys.readouterr().err == ""
    assert (target / "app" / "main.py").is_file()
    assert not (target / "app" / "graphql").exists()
    assert "graphql" not in (target / "app" / "main.py").read_text()
    assert "strawberry" not in (target / "pyproject.toml").read_text()


def test_without_mongo_leaves_mongo_out(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "lean"
    argv = ["create", "--no-lock", "lean", "--path", str(target), "--without", "mongo,graphql"]
    assert main(argv) == 0
    assert capsys.readouterr().err == ""
    for gone in ("app/api/products", "app/api/audit", "app/database/mongo.py", "app/models/mongo"):
        assert not (target / gone).exists(), gone
    pyproject = (target / "pyproject.toml").read_text()
    assert "pymongo" not in pyproject
    assert "mongomock" not in pyproject
    # No module may still import the driver or the removed Mongo modules.
    imports = ("import pymongo", "from pymongo", "app.database.mongo", "app.models.mongo")
    assert _modules_mentioning(target, imports) == []


def test_without_mysql_the_admins_move_to_postgres(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "lean"
    assert main(["create", "--no-lock", "lean", "--path", str(target), "--without", "mysql"]) == 0
    assert capsys.readouterr().err == ""
    for gone in ("app/database/mysql.py", "app/models/mysql", "migrations/mysql"):
        assert not (target / gone).exists(), gone
    # The admin realm stays, in PostgreSQL: its model and migration moved, chained after
    # PostgreSQL's last revision.
    assert "class Admin(AccountColumns, Timestamps, PostgresBase):" in (
        target / "app/models/postgres/admins.py"
    ).read_text(encoding="utf-8")
    migration = (target / "migrations/postgres/versions/0003_admins.py").read_text()
    assert 'down_revision: str | None = "0002"' in migration
    assert "mysql_" not in migration
    pyproject = (target / "pyproject.toml").read_text()
    assert "aiomysql" not in pyproject
    assert "MYSQL_URL" not in (target / ".env.example").read_text()
    imports = ("import pymysql", "import aiomysql", "app.database.mysql", "app.models.mysql")
    assert _modules_mentioning(target, imports) == []


def test_next_steps_are_the_readme_quickstart(repo_root: Path) -> None:
    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    quickstart = readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    for command in NEXT_STEPS:
        assert f"\n{command}\n" in quickstart


def test_the_cli_distribution_declares_the_command_and_needs_nothing(repo_root: Path) -> None:
    data = tomllib.loads((repo_root / "cli" / "pyproject.toml").read_text(encoding="utf-8"))
    assert data["project"]["name"] == "fastapi-fusion-cli"
    assert data["project"]["scripts"] == {"fastapi-fusion": "fastapi_fusion.cli:main"}
    assert data["project"]["dependencies"] == []
    kit = tomllib.loads((repo_root / "pyproject.toml").read_text(encoding="utf-8"))
    assert "scripts" not in kit["project"]


def test_python_dash_m_reports_the_exit_code() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "fastapi_fusion", "frobnicate"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "invalid choice: 'frobnicate'" in one_line_error(done.stderr, "fastapi-fusion")
