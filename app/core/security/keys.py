"""The RSA key set: one key signs, several verify; `kid` is the RFC 7638 JWK thumbprint."""

import base64
import functools
import hashlib
import json
import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

from app.settings import AuthSettings, Environment

logger = logging.getLogger("app.security")

RSA_KEY_BITS = 2048
PUBLIC_EXPONENT = 65537
SIGNING_KEY_NAME = "signing.pem"
VERIFY_DIR_NAME = "verify"


class KeyConfigurationError(RuntimeError):
    """The configured keys are missing, unreadable or not RSA."""


def _b64url_uint(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8 or 1, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def public_jwk(public_key: rsa.RSAPublicKey) -> dict[str, str]:
    """The RFC 7517 members that describe an RSA public key (`kty`, `n`, `e`)."""
    numbers = public_key.public_numbers()
    return {"kty": "RSA", "n": _b64url_uint(numbers.n), "e": _b64url_uint(numbers.e)}


def thumbprint(public_key: rsa.RSAPublicKey) -> str:
    """The RFC 7638 SHA-256 thumbprint: stable, so every instance derives the same `kid`."""
    # RFC 7638 §3: required members only, lexicographic order, no whitespace.
    canonical = json.dumps(public_jwk(public_key), sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def generate_private_key() -> rsa.RSAPrivateKey:
    """A fresh RSA key for RS256 (CPU-bound: call it from a worker thread in async code)."""
    return rsa.generate_private_key(public_exponent=PUBLIC_EXPONENT, key_size=RSA_KEY_BITS)


def private_pem(key: rsa.RSAPrivateKey) -> bytes:
    """PKCS#8 PEM, unencrypted: the file's permissions protect it."""
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def public_pem(key: rsa.RSAPublicKey) -> bytes:
    """SubjectPublicKeyInfo PEM."""
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


@functools.lru_cache(maxsize=8)
def _parse_private_pem(data: bytes) -> PrivateKeyTypes:
    # Parsing checks the RSA math (about 50 ms for 2048 bits) at every app start. A process
    # that starts apps again and again from one key (the test suite: hundreds) checks it once;
    # keys are immutable, and a failure is not cached, so a bad key fails every time.
    return serialization.load_pem_private_key(data, password=None)


def load_private_pem(data: bytes, source: str) -> rsa.RSAPrivateKey:
    """Parse an RSA private key; anything else is a configuration error naming `source`."""
    try:
        key = _parse_private_pem(data)
    except (ValueError, TypeError) as exc:
        raise KeyConfigurationError(f"{source} is not a readable PEM private key") from exc
    if not isinstance(key, rsa.RSAPrivateKey):
        raise KeyConfigurationError(f"{source} is not an RSA key (RS256 needs RSA)")
    return key


def load_public_pem(data: bytes, source: str) -> rsa.RSAPublicKey:
    """Parse an RSA public key, or take the public half of a private key PEM."""
    if b"PRIVATE KEY" in data:
        return load_private_pem(data, source).public_key()
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError) as exc:
        raise KeyConfigurationError(f"{source} is not a readable PEM public key") from exc
    if not isinstance(key, rsa.RSAPublicKey):
        raise KeyConfigurationError(f"{source} is not an RSA key (RS256 needs RSA)")
    return key


def write_secret_file(path: Path, data: bytes) -> None:
    """Write `data` readable by the owner only, replacing `path` atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    # A crash mid-write must never leave a half key where the app looks for one.
    temporary.replace(path)


@dataclass(frozen=True)
class KeySet:
    """The signing key and every key that verifies (the signing key's public half included)."""

    signing_key: rsa.RSAPrivateKey
    signing_kid: str
    verification_keys: Mapping[str, rsa.RSAPublicKey] = field(default_factory=dict)

    @classmethod
    def build(
        cls, signing_key: rsa.RSAPrivateKey, extra: Iterable[rsa.RSAPublicKey] = ()
    ) -> "KeySet":
        """A key set from a signing key and retired keys that should still verify."""
        signing_kid = thumbprint(signing_key.public_key())
        keys = {thumbprint(key): key for key in extra}
        keys[signing_kid] = signing_key.public_key()
        return cls(signing_key, signing_kid, keys)

    def verification_key(self, kid: str) -> rsa.RSAPublicKey | None:
        """The public key with this `kid`, or None when it is not (or no longer) trusted."""
        return self.verification_keys.get(kid)

    def jwks(self) -> list[dict[str, str]]:
        """Every verification key as an RFC 7517 JWK, the signing key first."""
        ordered = [self.signing_kid, *sorted(set(self.verification_keys) - {self.signing_kid})]
        return [
            {
                **public_jwk(self.verification_keys[kid]),
                "kid": kid,
                "use": "sig",
                "alg": "RS256",
            }
            for kid in ordered
        ]


def dev_signing_key_path(settings: AuthSettings) -> Path:
    """Where development keeps its generated signing key."""
    return settings.jwt_dev_keys_dir / SIGNING_KEY_NAME


def signing_key_path(settings: AuthSettings) -> Path:
    """The signing key file the CLI manages: the configured one, else the development one."""
    return settings.jwt_private_key_file or dev_signing_key_path(settings)


def verify_keys_dir(settings: AuthSettings) -> Path:
    """Where retired keys go on rotation: the configured directory, else next to the key."""
    return settings.jwt_verify_keys_dir or signing_key_path(settings).parent / VERIFY_DIR_NAME


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise KeyConfigurationError(f"cannot read {what} {path}: {exc.strerror}") from exc


def _signing_key(settings: AuthSettings, environment: Environment) -> rsa.RSAPrivateKey:
    if settings.jwt_private_key is not None:
        pem = settings.jwt_private_key.get_secret_value().encode("utf-8")
        return load_private_pem(pem, "JWT_PRIVATE_KEY")
    if settings.jwt_private_key_file is not None:
        path = settings.jwt_private_key_file
        return load_private_pem(_read(path, "JWT_PRIVATE_KEY_FILE"), str(path))
    if environment is Environment.TEST:
        # Tests never write keys to disk; a key per app keeps them independent.
        return generate_private_key()
    if environment is Environment.DEVELOPMENT:
        path = dev_signing_key_path(settings)
        if path.exists():
            return load_private_pem(_read(path, "development key"), str(path))
        key = generate_private_key()
        write_secret_file(path, private_pem(key))
        logger.warning("generated a development signing key at %s", path)
        return key
    raise KeyConfigurationError("JWT_PRIVATE_KEY or JWT_PRIVATE_KEY_FILE must be set")


def _retired_keys(settings: AuthSettings) -> list[rsa.RSAPublicKey]:
    files = list(settings.jwt_verify_key_files)
    directory = settings.jwt_verify_keys_dir
    if directory is None and settings.jwt_private_key is None:
        # Keys retired by `keys rotate` land beside the signing key; pick them up by default.
        default = verify_keys_dir(settings)
        directory = default if default.is_dir() else None
    if directory is not None:
        if not directory.is_dir():
            raise KeyConfigurationError(f"JWT_VERIFY_KEYS_DIR {directory} is not a directory")
        files.extend(sorted(directory.glob("*.pem")))
    return [load_public_pem(_read(path, "verification key"), str(path)) for path in files]


# NIST SP 800-57: RSA keys under 2048 bits no longer protect anything worth signing.
MIN_PRODUCTION_KEY_BITS = 2048


def load_key_set(settings: AuthSettings, environment: Environment) -> KeySet:
    """Read (or, outside production, create) the keys; blocking: run it in a worker thread."""
    signing = _signing_key(settings, environment)
    if environment is Environment.PRODUCTION and signing.key_size < MIN_PRODUCTION_KEY_BITS:
        raise KeyConfigurationError(
            f"the signing key has {signing.key_size} bits; production needs at least"
            f" {MIN_PRODUCTION_KEY_BITS}"
        )
    key_set = KeySet.build(signing, _retired_keys(settings))
    logger.info(
        "signing with kid=%s; %d key(s) verify", key_set.signing_kid, len(key_set.verification_keys)
    )
    return key_set
