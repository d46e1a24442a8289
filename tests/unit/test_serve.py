"""`python -m app serve`: the options uvicorn gets."""

import argparse

import pytest

from app.core.serve import add_serve_command, uvicorn_options
from app.settings import ServerSettings


def _parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_serve_command(parser.add_subparsers(dest="command"))
    return parser.parse_args(["serve", *argv])


def test_defaults_come_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SERVER_HOST", "0.0.0.0")  # noqa: S104 - what a container binds
    monkeypatch.setenv("SERVER_WORKERS", "4")
    monkeypatch.setenv("SERVER_GRACEFUL_TIMEOUT_SECONDS", "12.5")
    options = uvicorn_options(_parse(), ServerSettings())
    assert options["host"] == "0.0.0.0"  # noqa: S104
    assert options["port"] == 8000
    assert options["workers"] == 4
    assert options["timeout_graceful_shutdown"] == 12.5
    assert "fd" not in options


def test_command_line_wins_over_settings() -> None:
    argv = ("--host", "127.0.0.2", "--port", "9001", "--workers", "2", "--graceful-timeout", "3")
    options = uvicorn_options(_parse(*argv), ServerSettings(port=8000, workers=8))
    assert (options["host"], options["port"], options["workers"]) == ("127.0.0.2", 9001, 2)
    assert options["timeout_graceful_shutdown"] == 3.0


def test_uvicorn_never_resolves_forwarded_headers_itself() -> None:
    # uvicorn trusts 127.0.0.1 by default; the app's TRUSTED_PROXIES must be the only rule.
    options = uvicorn_options(_parse(), ServerSettings(trusted_proxies=["10.0.0.0/8"]))
    assert options["proxy_headers"] is False
