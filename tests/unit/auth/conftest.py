"""Auth fixtures: a running app, its token service, and a forger for hostile tokens."""

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI

from app.api.auth.dependencies import token_service
from app.api.auth.tokens import TokenService
from app.core.security.keys import KeySet, public_pem
from app.resources import resources_of, settings_of
from app.settings import Settings


def b64url(data: bytes) -> str:
    """Unpadded base64url, as JOSE writes it."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64json(value: dict[str, Any]) -> str:
    """A JOSE segment holding `value`."""
    return b64url(json.dumps(value, separators=(",", ":")).encode("utf-8"))


class Forger:
    """Builds tokens the way an attacker (or a buggy issuer) would."""

    def __init__(self, keys: KeySet, settings: Settings) -> None:
        self.keys = keys
        self.settings = settings
        # Set to a live session's id so a forgery fails for its own flaw, not a missing session.
        self.sid = "no-such-session"

    def claims(self, **overrides: Any) -> dict[str, Any]:
        """A complete, valid access-token claim set for user 1, with `overrides` applied."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "sub": "1",
            "sid": self.sid,
            "realm": "user",
            "role": "user",
            "type": "access",
            "jti": "forged-jti",
            "iss": self.settings.auth.jwt_issuer,
            "aud": self.settings.auth.jwt_audience,
            "iat": now,
            "nbf": now,
            "exp": now + 600,
        }
        claims.update(overrides)
        return {name: value for name, value in claims.items() if value is not None}

    def rs256(
        self,
        claims: dict[str, Any],
        key: rsa.RSAPrivateKey | None = None,
        kid: str | None = None,
        *,
        with_kid: bool = True,
    ) -> str:
        """A properly RS256-signed token (with the app's key unless told otherwise)."""
        return jwt.encode(
            claims,
            key or self.keys.signing_key,
            algorithm="RS256",
            headers={"kid": kid or self.keys.signing_kid} if with_kid else None,
        )

    def alg_none(self, claims: dict[str, Any]) -> str:
        """An unsigned token claiming `alg: none`."""
        header = {"alg": "none", "typ": "JWT", "kid": self.keys.signing_kid}
        return f"{b64json(header)}.{b64json(claims)}."

    def hs256_with_public_key(self, claims: dict[str, Any]) -> str:
        """The classic confusion attack: HMAC keyed with the (public) RSA key's PEM."""
        header = {"alg": "HS256", "typ": "JWT", "kid": self.keys.signing_kid}
        signing_input = f"{b64json(header)}.{b64json(claims)}"
        secret = public_pem(self.keys.signing_key.public_key())
        signature = hmac.new(secret, signing_input.encode("ascii"), hashlib.sha256).digest()
        return f"{signing_input}.{b64url(signature)}"

    @staticmethod
    def tamper(token: str, **changes: Any) -> str:
        """The same signature over a payload with `changes` applied."""
        header, payload, signature = token.split(".")
        padded = payload + "=" * (-len(payload) % 4)
        claims = json.loads(base64.urlsafe_b64decode(padded))
        claims.update(changes)
        return f"{header}.{b64json(claims)}.{signature}"


@pytest.fixture
def running(client: httpx.AsyncClient) -> httpx.AsyncClient:
    """The app with its lifespan running, and a client for it (the harness's `client`)."""
    return client


@pytest.fixture
def tokens(app: FastAPI, running: httpx.AsyncClient) -> TokenService:
    """The token service over the running app's codec and Redis, as the routes get it."""
    return token_service(app)


@pytest.fixture
def forger(app: FastAPI, running: httpx.AsyncClient) -> Forger:
    """A forger holding the running app's keys and settings."""
    return Forger(resources_of(app).auth.jwt_keys, settings_of(app))


def bearer(token: str) -> dict[str, str]:
    """The `Authorization` header for a token."""
    return {"Authorization": f"Bearer {token}"}
