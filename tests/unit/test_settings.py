"""Settings sections and the production guard."""

import pytest
from pydantic import ValidationError

from app.main import create_app
from app.settings import AppSettings, CORSSettings, Environment, Settings


def test_environment_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "test")
    assert AppSettings().environment is Environment.TEST


def test_unknown_environment_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "staging")
    with pytest.raises(ValidationError):
        AppSettings()


def test_production_refuses_wildcard_origins() -> None:
    with pytest.raises(ValidationError, match="refusing to start in production"):
        Settings(
            app=AppSettings(environment=Environment.PRODUCTION),
            cors=CORSSettings(origins=["*"]),
        )


def test_production_hides_interactive_docs() -> None:
    app = create_app(Settings(app=AppSettings(environment=Environment.TEST)))
    assert app.docs_url is None
    dev = create_app(Settings(app=AppSettings(environment=Environment.DEVELOPMENT)))
    assert dev.docs_url == "/docs"


def test_cli_without_a_command_prints_help() -> None:
    from app.__main__ import main

    assert main([]) == 2
