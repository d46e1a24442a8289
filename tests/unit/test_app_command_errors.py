"""`python -m app`: every failure is one line on stderr with an exit code, never a traceback."""

import pytest

from app.__main__ import main
from app.database.migrations import MIGRATIONS_DIR, ROLES, next_revision_id
from app.settings import get_settings
from tests.command_line import one_line_error


def test_a_usage_error_is_one_line_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "revision"]) == 2
    assert "required: -m/--message, --engine" in one_line_error(
        capsys.readouterr().err, "python -m app"
    )


def test_a_production_refusal_is_one_line_exit_1(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    # The settings are read once per process: read them again, and forget them afterwards.
    get_settings.cache_clear()
    try:
        assert main(["keys", "generate", "--out", "unused.pem"]) == 1
    finally:
        get_settings.cache_clear()
    assert "refusing to start in production" in one_line_error(
        capsys.readouterr().err, "python -m app"
    )


@pytest.mark.parametrize("role", ROLES)
def test_revisions_are_numbered_in_sequence(role: str) -> None:
    # The files are named NNNN_slug.py; the next revision takes the number after the last.
    versions = MIGRATIONS_DIR / role / "versions"
    numbers = [int(path.name[:4]) for path in versions.glob("[0-9][0-9][0-9][0-9]_*.py")]
    assert numbers
    assert next_revision_id(role) == f"{max(numbers) + 1:04d}"
