"""`rediss://`: sessions and login counters over TLS, against a TLS-only redis-server.

The server is this test's own (a fresh CA and certificate, a free loopback port, no plain
port at all), so a client that silently fell back to plain TCP could not talk to it.
"""

import datetime
import ipaddress
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from limits import parse
from limits.aio.strategies import MovingWindowRateLimiter
from pydantic import SecretStr

from app.api.auth.ratelimit import limiter_storage
from app.database.redis import create_redis
from app.settings import DatabaseSettings
from tests.fleet.processes import RedisProcess, redis_binary


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _write_certificates(directory: Path) -> tuple[Path, Path, Path]:
    """A CA, and a server certificate for 127.0.0.1 that it signed; PEM files."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("fleet test CA"))
        .issuer_name(_name("fleet test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name("127.0.0.1"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    ca_file, cert_file, key_file = (directory / n for n in ("ca.pem", "cert.pem", "key.pem"))
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return ca_file, cert_file, key_file


@pytest.fixture
def tls_redis(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """A TLS-only redis-server: its port and the CA file that verifies it."""
    ca_file, cert_file, key_file = _write_certificates(tmp_path / "tls")
    conf = (
        f"tls-cert-file {cert_file}\ntls-key-file {key_file}\n"
        f"tls-ca-cert-file {ca_file}\ntls-auth-clients no\n"
    )
    server = RedisProcess("tls", redis_binary("redis-server"), conf, tmp_path / "redis", tls=True)
    try:
        server.start()
        yield server.port, ca_file
    finally:
        server.stop()


async def test_sessions_and_counters_work_over_tls(tls_redis: tuple[int, Path]) -> None:
    port, ca_file = tls_redis
    url = f"rediss://127.0.0.1:{port}/0?ssl_ca_certs={quote(str(ca_file))}"
    settings = DatabaseSettings(redis_url=SecretStr(url), redis_key_prefix="tls:")
    store = create_redis(settings)
    try:
        await store.client.set(store.key("session", "x"), "alive", ex=60)
        assert await store.client.get(store.key("session", "x")) == "alive"
    finally:
        await store.close()
    limiter = MovingWindowRateLimiter(limiter_storage(settings, "tls:ratelimit"))
    item = parse("2/minute")
    assert [await limiter.hit(item, "tls-test") for _ in range(3)] == [True, True, False]


async def test_an_unverified_server_is_refused(tls_redis: tuple[int, Path]) -> None:
    # Without the CA the certificate cannot be verified: the client must not carry on.
    port, _ = tls_redis
    settings = DatabaseSettings(redis_url=SecretStr(f"rediss://127.0.0.1:{port}/0"))
    store = create_redis(settings)
    try:
        with pytest.raises(Exception, match=r"(?i)certificate|ssl"):
            await store.ping()
    finally:
        await store.close()
