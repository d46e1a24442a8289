"""Configuration from the environment (and an optional `.env`), one class per concern."""

import ipaddress
from enum import StrEnum
from functools import cache
from ipaddress import IPv4Network, IPv6Network
from pathlib import Path
from typing import Annotated, Self
from urllib.parse import unquote, urlsplit

from limits import parse as parse_rate_limit
from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from app.database.redis_urls import is_sentinel_url, parse_sentinel_url

ENV_FILE = ".env"


class Environment(StrEnum):
    """Where the app runs; production refuses unsafe defaults."""

    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class _Section(BaseSettings):
    # Each concern reads its own variables; `.env` is optional and never required.
    model_config = SettingsConfigDict(env_file=ENV_FILE, extra="ignore", frozen=True)


class AppSettings(_Section):
    """Identity and runtime behaviour of the service."""

    environment: Environment = Environment.DEVELOPMENT
    project_name: str = "FastAPI Fusion Core"
    version: str = "0.1.0"
    log_level: str = "INFO"
    max_body_bytes: int = Field(default=1_048_576, gt=0)
    probe_timeout_seconds: float = Field(default=2.0, gt=0)


def _split_csv(value: object) -> object:
    return (
        [item.strip() for item in value.split(",") if item.strip()]
        if isinstance(value, str)
        else value
    )


class ServerSettings(_Section):
    """How `python -m app serve` listens, and which proxies may name the client."""

    model_config = SettingsConfigDict(
        env_prefix="SERVER_",
        env_file=ENV_FILE,
        extra="ignore",
        frozen=True,
        populate_by_name=True,
    )

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    workers: int = Field(default=1, ge=1)
    # SIGTERM: stop accepting, let in-flight requests finish for this long, then close.
    graceful_timeout_seconds: float = Field(default=30.0, gt=0)
    # Admission control per worker: requests inside the app at once (None: POOL_SIZE +
    # MAX_OVERFLOW, so no request waits on the SQL pool), how many may queue for a slot in
    # arrival order, and for how long; past either limit the answer is 503 + Retry-After.
    max_concurrency: int | None = Field(default=None, ge=1)
    max_queue: int = Field(default=1024, ge=0)
    queue_timeout_seconds: float = Field(default=30.0, gt=0)
    # Addresses or networks (CIDR) whose X-Forwarded-For/-Proto are believed; empty trusts
    # nobody, so a client cannot pick the address the login limiter counts.
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias="TRUSTED_PROXIES"
    )

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _parse_proxies(cls, value: object) -> object:
        return _split_csv(value)

    @field_validator("trusted_proxies")
    @classmethod
    def _check_proxies(cls, value: list[str]) -> list[str]:
        # uvicorn would take a typo as a literal host name and silently trust nothing.
        for entry in value:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(f"TRUSTED_PROXIES: {entry!r} is not an address or CIDR") from None
        return value


class CORSSettings(_Section):
    """Which browser origins may call the API."""

    model_config = SettingsConfigDict(
        env_prefix="CORS_", env_file=ENV_FILE, extra="ignore", frozen=True
    )

    origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    allow_credentials: bool = False

    @model_validator(mode="before")
    @classmethod
    def _parse_origins(cls, values: object) -> object:
        if isinstance(values, dict) and "origins" in values:
            values = {**values, "origins": _split_csv(values["origins"])}
        return values

    @model_validator(mode="after")
    def _no_wildcard_with_credentials(self) -> Self:
        # Browsers reject it, and a permissive server would echo any origin with cookies.
        if self.allow_credentials and "*" in self.origins:
            raise ValueError("CORS_ORIGINS may not contain '*' when CORS_ALLOW_CREDENTIALS is on")
        return self


class AuthSettings(_Section):
    """Tokens, signing keys, password hashing and the login brute-force limit."""

    jwt_issuer: str = "fastapi-fusion-core"
    jwt_audience: str = "fastapi-fusion-core"
    access_token_ttl_seconds: int = Field(default=900, gt=0)
    refresh_token_ttl_seconds: int = Field(default=14 * 24 * 3600, gt=0)
    # Clock skew tolerated on `exp`/`nbf`/`iat`; 0 because one fleet shares one clock source.
    jwt_leeway_seconds: int = Field(default=0, ge=0, le=300)
    # The signing key: a PEM in the environment or a file path (production needs one of them).
    jwt_private_key: SecretStr | None = None
    jwt_private_key_file: Path | None = None
    # Retired keys that still verify (rotation): `*.pem` files in a directory and/or files.
    jwt_verify_keys_dir: Path | None = None
    jwt_verify_key_files: Annotated[list[Path], NoDecode] = Field(default_factory=list)
    # Where development keeps the key it generates when none is configured (git ignores var/).
    jwt_dev_keys_dir: Path = Path("var/keys")
    # bcrypt's cost: 12 in production (a test lowers it to 4, bcrypt's floor, for speed).
    bcrypt_rounds: int = Field(default=12, ge=4, le=16)
    # bcrypt jobs running or waiting per process; more are refused with 503 + Retry-After.
    bcrypt_queue_limit: int = Field(default=64, ge=1)
    login_rate_limit_per_address: str = "30/minute"
    login_rate_limit_per_username: str = "10/15 minutes"
    session_key_prefix: str = "auth"
    # Live sessions per account; a new login ends the oldest beyond it.
    max_sessions_per_account: int = Field(default=20, ge=1)

    @field_validator("jwt_verify_key_files", mode="before")
    @classmethod
    def _parse_files(cls, value: object) -> object:
        return _split_csv(value)

    @field_validator("login_rate_limit_per_address", "login_rate_limit_per_username")
    @classmethod
    def _parse_limit(cls, value: str) -> str:
        # Refuse a bad limit at startup, not on the first login attempt.
        parse_rate_limit(value)
        return value


class GraphQLSettings(_Section):
    """Limits and developer tools of the GraphQL endpoint at `/graphql`."""

    model_config = SettingsConfigDict(
        env_prefix="GRAPHQL_", env_file=ENV_FILE, extra="ignore", frozen=True
    )

    # Generous for real clients, small enough that one request cannot fan out into thousands
    # of resolver calls.
    max_depth: int = Field(default=8, ge=1)
    max_aliases: int = Field(default=30, ge=0)
    max_tokens: int = Field(default=2000, ge=1)
    # Schema introspection and GraphiQL; unset means "only in development".
    introspection: bool | None = None

    def introspection_enabled(self, environment: Environment) -> bool:
        """Whether introspection and GraphiQL are served in `environment`."""
        if self.introspection is None:
            return environment is Environment.DEVELOPMENT
        return self.introspection


LOOPBACK_NETWORKS: tuple[IPv4Network | IPv6Network, ...] = (
    IPv4Network("127.0.0.0/8"),
    IPv6Network("::1/128"),
)


class MetricsSettings(_Section):
    """The Prometheus endpoint at `/metrics`: on by default, answered only to listed networks."""

    model_config = SettingsConfigDict(
        env_prefix="METRICS_", env_file=ENV_FILE, extra="ignore", frozen=True
    )

    enabled: bool = True
    # Client addresses (after TRUSTED_PROXIES resolution) that may scrape; others get a 404.
    allowed_networks: Annotated[list[IPv4Network | IPv6Network], NoDecode] = Field(
        default_factory=lambda: list(LOOPBACK_NETWORKS)
    )
    # Seconds between two samples of the pool gauges in each worker (not per request).
    sample_interval_seconds: float = Field(default=5.0, gt=0)

    @field_validator("allowed_networks", mode="before")
    @classmethod
    def _parse_networks(cls, value: object) -> object:
        return _split_csv(value)


class DatabaseSettings(_Section):
    """Where each backend lives, chosen by URL; the defaults are embedded and need no server."""

    postgres_url: SecretStr = SecretStr("sqlite+aiosqlite:///var/postgres.sqlite3")
    # fusion:mysql begin
    mysql_url: SecretStr = SecretStr("sqlite+aiosqlite:///var/mysql.sqlite3")
    # fusion:mysql end
    # fusion:mongo begin
    mongo_url: SecretStr = SecretStr("memory://")
    mongo_database: str = "fusion"
    # fusion:mongo end
    redis_url: SecretStr = SecretStr("memory://")
    redis_key_prefix: str = "fusion:"
    pool_size: int = Field(default=5, ge=1)
    max_overflow: int = Field(default=10, ge=0)
    connect_timeout_seconds: float = Field(default=5.0, gt=0)
    # How long a request waits for a pooled SQL connection before a 503 (not a 500).
    pool_timeout_seconds: float = Field(default=10.0, gt=0)
    # Where the embedded `memory://` Redis and MongoDB are saved at shutdown and restored at
    # startup (`nox -s dev` sets var/embedded, so a reload keeps them); unset: memory only.
    embedded_state_dir: Path | None = None
    # How long a request waits for a free Redis connection before it is answered 503: as long
    # as for a SQL connection, so a burst of clients on one worker queues instead of failing.
    redis_pool_timeout_seconds: float = Field(default=10.0, gt=0)

    @field_validator("redis_url")
    @classmethod
    def _check_redis_url(cls, value: SecretStr) -> SecretStr:
        # A malformed Sentinel URL is refused with the settings, not at the first request.
        url = value.get_secret_value()
        if is_sentinel_url(url):
            parse_sentinel_url(url)
        return value


# Embedded backends are for a bare machine: they keep data in one process or one file.
EMBEDDED_SCHEMES = ("sqlite", "memory")


def database_problems(database: DatabaseSettings) -> list[str]:
    """Embedded backends or placeholder passwords in the database URLs."""
    problems: list[str] = []
    for name in (field for field in DatabaseSettings.model_fields if field.endswith("_url")):
        url = urlsplit(getattr(database, name).get_secret_value())
        variable = name.upper()
        if url.scheme.split("+")[0] in EMBEDDED_SCHEMES:
            problems.append(f"{variable} must point at a server, not an embedded backend")
        elif url.password is not None and is_placeholder(unquote(url.password)):
            problems.append(f"{variable} has a placeholder password")
    return problems


class Settings(BaseModel):
    """All settings; each section reads the environment when it is built."""

    model_config = {"frozen": True}

    app: AppSettings = Field(default_factory=AppSettings)
    cors: CORSSettings = Field(default_factory=CORSSettings)
    server: ServerSettings = Field(default_factory=ServerSettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    # fusion:graphql begin
    graphql: GraphQLSettings = Field(default_factory=GraphQLSettings)
    # fusion:graphql end
    metrics: MetricsSettings = Field(default_factory=MetricsSettings)

    @property
    def environment(self) -> Environment:
        """Shortcut for `app.environment`."""
        return self.app.environment

    @model_validator(mode="after")
    def _production_is_configured(self) -> Self:
        if self.environment is Environment.PRODUCTION:
            problems = production_problems(self)
            if problems:
                raise ValueError("refusing to start in production: " + "; ".join(problems))
        return self


# Values that mean "nobody configured this": never acceptable in production.
PLACEHOLDERS = frozenset({"", "changeme", "change-me", "changethis", "secret", "password", "todo"})


def is_placeholder(value: str) -> bool:
    """Whether a secret's value is one of the well-known stand-ins."""
    return value.strip().lower() in PLACEHOLDERS


LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]"})


def is_safe_credentialed_origin(origin: str) -> bool:
    """Whether browsers may send credentials to us from `origin`: https, or http on localhost.

    `null` is what sandboxed frames and `file:` pages send (anyone can make one), and a
    plain `http://` origin can be spoofed by anyone on the network path.
    """
    scheme, _, rest = origin.partition("://")
    if scheme == "https" and rest:
        return True
    authority = rest.split("/", 1)[0]
    # `[::1]:8080` keeps its brackets; `localhost:3000` loses its port.
    host = authority.split("]")[0] + "]" if authority.startswith("[") else authority.split(":")[0]
    return scheme == "http" and host in LOCAL_HOSTS


def production_problems(settings: Settings) -> list[str]:
    """What makes these settings unsafe for production (empty when they are fine)."""
    problems: list[str] = []
    for section in (getattr(settings, name) for name in type(settings).model_fields):
        prefix = str(section.model_config.get("env_prefix", "")).upper()
        for name, field in type(section).model_fields.items():
            value = getattr(section, name)
            variable = f"{prefix}{name.upper()}"
            extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
            if extra.get("required_in_production") and value in (None, ""):
                problems.append(f"{variable} must be set")
            elif isinstance(value, SecretStr) and is_placeholder(value.get_secret_value()):
                problems.append(f"{variable} is a placeholder")
    if "*" in settings.cors.origins:
        problems.append("CORS_ORIGINS must list explicit origins")
    if settings.cors.allow_credentials:
        problems.extend(
            f"CORS_ORIGINS may not trust {origin!r} with credentials"
            for origin in settings.cors.origins
            if not is_safe_credentialed_origin(origin)
        )
    problems.extend(database_problems(settings.database))
    auth = settings.auth
    # Either source will do, so this cannot be a per-field `required_in_production` marker.
    if auth.jwt_private_key is None and auth.jwt_private_key_file is None:
        problems.append("JWT_PRIVATE_KEY or JWT_PRIVATE_KEY_FILE must be set")
    if auth.bcrypt_rounds < 12:
        problems.append("BCRYPT_ROUNDS must be at least 12")
    # fusion:graphql begin
    if settings.graphql.introspection:
        problems.append("GRAPHQL_INTROSPECTION may not be on in production")
    # fusion:graphql end
    return problems


@cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
