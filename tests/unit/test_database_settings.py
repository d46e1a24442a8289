"""The database section of the settings and its production guard."""

import pytest
from pydantic import SecretStr, ValidationError

from app.settings import AppSettings, AuthSettings, DatabaseSettings, Environment, Settings

SERVERS = {
    "postgres_url": "postgresql+asyncpg://app:s3cure-Pa55@db:5432/app",
    # fusion:mysql begin
    "mysql_url": "mysql+aiomysql://app:s3cure-Pa55@legacy:3306/app",
    # fusion:mysql end
    # fusion:mongo begin
    "mongo_url": "mongodb://app:s3cure-Pa55@mongo:27017/app",
    # fusion:mongo end
    "redis_url": "redis://:s3cure-Pa55@cache:6379/0",
}


def production(**urls: str) -> Settings:
    return Settings(
        app=AppSettings(environment=Environment.PRODUCTION),
        database=DatabaseSettings.model_validate(SERVERS | urls),
        # Only presence is judged here; the key itself is parsed when the app starts.
        auth=AuthSettings(jwt_private_key=SecretStr("configured-elsewhere")),
    )


def test_urls_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTGRES_URL", SERVERS["postgres_url"])
    monkeypatch.setenv("REDIS_KEY_PREFIX", "shop:")
    settings = DatabaseSettings()
    assert settings.postgres_url.get_secret_value() == SERVERS["postgres_url"]
    assert settings.redis_key_prefix == "shop:"
    assert "s3cure" not in repr(settings)


def test_defaults_are_embedded(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SERVERS:
        monkeypatch.delenv(name.upper(), raising=False)
    settings = DatabaseSettings(_env_file=None)
    assert settings.postgres_url.get_secret_value().startswith("sqlite+aiosqlite:///var/")
    # fusion:mongo begin
    assert settings.mongo_url.get_secret_value() == "memory://"
    # fusion:mongo end


def test_production_accepts_servers_with_real_passwords() -> None:
    assert production().environment is Environment.PRODUCTION


@pytest.mark.parametrize(
    ("field", "url"),
    [
        ("postgres_url", "sqlite+aiosqlite:///var/postgres.sqlite3"),
        # fusion:mysql begin
        ("mysql_url", "sqlite+aiosqlite:///var/mysql.sqlite3"),
        # fusion:mysql end
        # fusion:mongo begin
        ("mongo_url", "memory://"),
        # fusion:mongo end
        ("redis_url", "memory://"),
    ],
)
def test_production_refuses_embedded_backends(field: str, url: str) -> None:
    with pytest.raises(ValidationError, match=f"{field.upper()} must point at a server"):
        production(**{field: url})


@pytest.mark.parametrize("password", ["changeme", "password", "secret", "", "CHANGE-ME"])
def test_production_refuses_placeholder_passwords(password: str) -> None:
    url = f"postgresql+asyncpg://app:{password}@db:5432/app"
    with pytest.raises(ValidationError, match="POSTGRES_URL has a placeholder password"):
        production(postgres_url=url)


def test_production_accepts_a_url_without_password() -> None:
    # Peer, certificate or IAM authentication: no password to judge.
    assert production(postgres_url="postgresql+asyncpg://app@db/app")
