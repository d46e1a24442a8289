"""Key loading per environment, JWK thumbprints, JWKS, and rotation without logouts."""

import base64
import io
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI
from pydantic import SecretStr
from pydantic import ValidationError as SettingsError

from app.__main__ import main
from app.core.errors import AuthError, ErrorType
from app.core.security.key_commands import rotate
from app.core.security.keys import (
    KeyConfigurationError,
    KeySet,
    generate_private_key,
    load_key_set,
    private_pem,
    public_pem,
    thumbprint,
)
from app.core.security.tokens import Realm, TokenCodec, TokenType
from app.resources import attach_resources, resources_of
from app.settings import (
    AppSettings,
    AuthSettings,
    DatabaseSettings,
    Environment,
    Settings,
    get_settings,
    production_problems,
)
from tests.envelope import assert_envelope

# Real servers for every backend, so only the auth settings decide a production check.
SERVER_BACKENDS = DatabaseSettings(
    postgres_url=SecretStr("postgresql+asyncpg://app:s3cure@db/app"),
    # fusion:mysql begin
    mysql_url=SecretStr("mysql+aiomysql://app:s3cure@legacy/app"),
    # fusion:mysql end
    # fusion:mongo begin
    mongo_url=SecretStr("mongodb://mongo:27017"),
    # fusion:mongo end
    redis_url=SecretStr("redis://cache:6379/0"),
)


def _int(segment: str) -> int:
    return int.from_bytes(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)), "big")


def test_thumbprint_matches_the_rfc_7638_example() -> None:
    # RFC 7638 §3.1: the published key and its published thumbprint.
    n = (
        "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_B"
        "JECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_"
        "FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhA"
        "I4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
    )
    key = rsa.RSAPublicNumbers(e=_int("AQAB"), n=_int(n)).public_key()
    assert thumbprint(key) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


def _auth(tmp_path: Path, **values: Any) -> AuthSettings:
    return AuthSettings(jwt_dev_keys_dir=tmp_path / "keys", bcrypt_rounds=4, **values)


def test_development_generates_a_key_once_and_reuses_it(tmp_path: Path) -> None:
    first = load_key_set(_auth(tmp_path), Environment.DEVELOPMENT)
    key_file = tmp_path / "keys" / "signing.pem"
    assert key_file.exists()
    assert key_file.stat().st_mode & 0o777 == 0o600
    second = load_key_set(_auth(tmp_path), Environment.DEVELOPMENT)
    assert second.signing_kid == first.signing_kid


def test_test_environment_keeps_its_key_in_memory(tmp_path: Path) -> None:
    key_set = load_key_set(_auth(tmp_path), Environment.TEST)
    assert key_set.signing_kid in key_set.verification_keys
    assert not (tmp_path / "keys").exists()


def test_production_without_a_key_refuses_to_start(tmp_path: Path) -> None:
    with pytest.raises(KeyConfigurationError):
        load_key_set(_auth(tmp_path), Environment.PRODUCTION)
    with pytest.raises(SettingsError, match="JWT_PRIVATE_KEY or JWT_PRIVATE_KEY_FILE"):
        Settings(
            app=AppSettings(environment=Environment.PRODUCTION),
            auth=AuthSettings(bcrypt_rounds=12),
            database=SERVER_BACKENDS,
        )


def test_production_with_a_key_file_has_no_auth_problem(tmp_path: Path) -> None:
    key_file = tmp_path / "signing.pem"
    key_file.write_bytes(private_pem(generate_private_key()))
    settings = Settings(
        app=AppSettings(environment=Environment.PRODUCTION),
        auth=AuthSettings(jwt_private_key_file=key_file, bcrypt_rounds=12),
        database=SERVER_BACKENDS,
    )
    assert production_problems(settings) == []
    assert load_key_set(settings.auth, Environment.PRODUCTION).signing_kid == thumbprint(
        load_key_set(settings.auth, Environment.PRODUCTION).signing_key.public_key()
    )


def test_production_refuses_weak_bcrypt_placeholder_key_and_embedded_redis() -> None:
    settings = Settings(
        app=AppSettings(environment=Environment.TEST),
        auth=AuthSettings(jwt_private_key=SecretStr("changeme"), bcrypt_rounds=4),
        database=DatabaseSettings(redis_url=SecretStr("memory://")),
    )
    problems = production_problems(settings)
    assert "JWT_PRIVATE_KEY is a placeholder" in problems
    assert "BCRYPT_ROUNDS must be at least 12" in problems
    assert "REDIS_URL must point at a server, not an embedded backend" in problems


def test_unreadable_key_is_a_configuration_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pem"
    bad.write_text("not a key")
    with pytest.raises(KeyConfigurationError, match="not a readable PEM"):
        load_key_set(_auth(tmp_path, jwt_private_key_file=bad), Environment.PRODUCTION)
    with pytest.raises(KeyConfigurationError, match="cannot read"):
        load_key_set(
            _auth(tmp_path, jwt_private_key_file=tmp_path / "missing.pem"), Environment.PRODUCTION
        )


def test_extra_verification_keys_come_from_dir_and_files(tmp_path: Path) -> None:
    verify_dir = tmp_path / "verify"
    verify_dir.mkdir()
    in_dir, listed = generate_private_key(), generate_private_key()
    (verify_dir / "old.pem").write_bytes(public_pem(in_dir.public_key()))
    (tmp_path / "listed.pem").write_bytes(public_pem(listed.public_key()))
    settings = AuthSettings(
        jwt_private_key=SecretStr(private_pem(generate_private_key()).decode()),
        jwt_verify_keys_dir=verify_dir,
        jwt_verify_key_files=[tmp_path / "listed.pem"],
    )
    key_set = load_key_set(settings, Environment.PRODUCTION)
    assert set(key_set.verification_keys) == {
        key_set.signing_kid,
        thumbprint(in_dir.public_key()),
        thumbprint(listed.public_key()),
    }
    assert key_set.jwks()[0]["kid"] == key_set.signing_kid


def test_verify_key_files_parse_from_a_comma_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JWT_VERIFY_KEY_FILES", "a.pem, b.pem")
    assert AuthSettings().jwt_verify_key_files == [Path("a.pem"), Path("b.pem")]


def test_bad_rate_limit_is_refused_at_startup() -> None:
    with pytest.raises(SettingsError):
        AuthSettings(login_rate_limit_per_address="lots")


def test_rotation_keeps_old_tokens_valid_and_signs_with_the_new_key(tmp_path: Path) -> None:
    settings = _auth(tmp_path)
    before = load_key_set(settings, Environment.DEVELOPMENT)
    old_token, _ = TokenCodec(before, settings).encode(
        account_id=1, sid="s", realm=Realm.USER, role="user", token_type=TokenType.REFRESH
    )
    out = io.StringIO()
    assert rotate(settings, out=out) == 0
    after = load_key_set(settings, Environment.DEVELOPMENT)
    assert after.signing_kid != before.signing_kid
    assert before.signing_kid in after.verification_keys
    codec = TokenCodec(after, settings)
    # Nobody is logged out: a refresh token signed before the rotation still verifies.
    assert codec.decode(old_token, realm=Realm.USER, token_type=TokenType.REFRESH).sid == "s"
    new_token, _ = codec.encode(
        account_id=1, sid="s", realm=Realm.USER, role="user", token_type=TokenType.ACCESS
    )
    assert f'"kid":"{after.signing_kid}"' in base64.urlsafe_b64decode(
        new_token.split(".")[0] + "=="
    ).decode().replace(" ", "")
    # Once its file is gone (pruned after the refresh lifetime), the old key no longer verifies.
    (tmp_path / "keys" / "verify" / f"{before.signing_kid}.pem").unlink()
    pruned = TokenCodec(load_key_set(settings, Environment.DEVELOPMENT), settings)
    with pytest.raises(AuthError):
        pruned.decode(old_token, realm=Realm.USER, token_type=TokenType.REFRESH)


def test_rotation_prunes_keys_retired_longer_than_the_refresh_lifetime(tmp_path: Path) -> None:
    settings = _auth(tmp_path, refresh_token_ttl_seconds=3600, access_token_ttl_seconds=60)
    load_key_set(settings, Environment.DEVELOPMENT)
    assert rotate(settings, out=io.StringIO()) == 0
    first_retired = next((tmp_path / "keys" / "verify").glob("*.pem"))
    # Just inside the window: kept. Past it: removed on the next rotation.
    assert rotate(settings, out=io.StringIO(), now=time.time() + 3000) == 0
    assert first_retired.exists()
    out = io.StringIO()
    assert rotate(settings, out=out, now=time.time() + 3600 + 60 + 5) == 0
    assert not first_retired.exists()
    assert "removed expired verification key" in out.getvalue()
    # The file mtimes are real time, so at the simulated moment only the key retired just now
    # is inside its window.
    assert len(list((tmp_path / "keys" / "verify").glob("*.pem"))) == 1


def test_rotate_refuses_an_environment_key(tmp_path: Path) -> None:
    settings = _auth(
        tmp_path, jwt_private_key=SecretStr(private_pem(generate_private_key()).decode())
    )
    out = io.StringIO()
    assert rotate(settings, out=out) == 1
    assert "JWT_PRIVATE_KEY" in out.getvalue()


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("JWT_DEV_KEYS_DIR", str(tmp_path / "keys"))
    monkeypatch.setenv("ENVIRONMENT", "development")
    for name in ("JWT_PRIVATE_KEY", "JWT_PRIVATE_KEY_FILE", "JWT_VERIFY_KEYS_DIR"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_cli_generate_and_rotate(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_file = cli_env / "elsewhere" / "key.pem"
    assert main(["keys", "generate", "--out", str(out_file)]) == 0
    assert out_file.stat().st_mode & 0o777 == 0o600
    assert main(["keys", "generate", "--out", str(out_file)]) == 1  # never silently replaced
    assert main(["keys", "rotate"]) == 1  # nothing to rotate yet at the default place
    assert main(["keys", "generate"]) == 0
    assert main(["keys", "rotate"]) == 0
    output = capsys.readouterr().out
    assert "signing with kid=" in output
    assert "PRIVATE KEY" not in output
    assert len(list((cli_env / "keys" / "verify").glob("*.pem"))) == 1


def test_cli_without_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "keys" in capsys.readouterr().out


async def test_jwks_is_a_bare_rfc7517_key_set(client: httpx.AsyncClient) -> None:
    response = await client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/jwk-set+json"
    assert response.headers["cache-control"] == "public, max-age=300"
    body = response.json()
    assert set(body) == {"keys"}  # RFC 7517 §5: the set itself, no envelope around it
    (jwk,) = body["keys"]
    assert set(jwk) == {"kty", "kid", "use", "alg", "n", "e"}
    key = rsa.RSAPublicNumbers(e=_int(jwk["e"]), n=_int(jwk["n"])).public_key()
    assert thumbprint(key) == jwk["kid"]
    assert "PRIVATE" not in response.text
    assert '"d"' not in response.text


async def test_jwks_shows_every_verification_key(app: FastAPI, client: httpx.AsyncClient) -> None:
    retired = generate_private_key().public_key()
    resources = resources_of(app)
    current = resources.auth.jwt_keys
    keys = KeySet.build(current.signing_key, [retired])
    attach_resources(app, replace(resources, auth=replace(resources.auth, jwt_keys=keys)))
    response = await client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    kids = [jwk["kid"] for jwk in response.json()["keys"]]
    assert kids == [current.signing_kid, thumbprint(retired)]


async def test_jwks_failures_keep_the_envelope(client: httpx.AsyncClient) -> None:
    assert_envelope(await client.post("/.well-known/jwks.json"), 405, ErrorType.METHOD_NOT_ALLOWED)
