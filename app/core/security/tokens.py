"""The JWT codec: RS256 only, `kid` in the header, every claim required and checked."""

import base64
import json
import re
import secrets
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import jwt
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.hashes import SHA256

from app.core.errors import AuthError
from app.core.i18n import MessageKey
from app.core.security.keys import KeySet
from app.settings import AuthSettings

ALGORITHM = "RS256"
# RFC 6750 §3.1: tells the client to get a new token rather than retry this one.
INVALID_TOKEN_CHALLENGE = {"WWW-Authenticate": 'Bearer error="invalid_token"'}
REQUIRED_CLAIMS = ("sub", "sid", "realm", "role", "type", "jti", "iss", "aud", "iat", "nbf", "exp")


class Realm(StrEnum):
    """Which account store a token belongs to; a token of one is never accepted by the other."""

    USER = "user"
    ADMIN = "admin"


class TokenType(StrEnum):
    """What a token may be used for."""

    ACCESS = "access"
    REFRESH = "refresh"


@dataclass(frozen=True)
class TokenClaims:
    """The verified claims of a token."""

    account_id: int
    sid: str
    realm: Realm
    role: str
    type: TokenType
    jti: str
    issued_at: int
    expires_at: int


def new_token_id() -> str:
    """An unguessable id for a token (`jti`) or a session (`sid`)."""
    return secrets.token_urlsafe(24)


class TokenCodec:
    """Signs claims with the key set's signing key and verifies them against any trusted key."""

    def __init__(self, keys: KeySet, settings: AuthSettings) -> None:
        self._keys = keys
        self._issuer = settings.jwt_issuer
        self._audience = settings.jwt_audience
        self._leeway = settings.jwt_leeway_seconds
        self._ttl = {
            TokenType.ACCESS: settings.access_token_ttl_seconds,
            TokenType.REFRESH: settings.refresh_token_ttl_seconds,
        }

    def encode(
        self,
        *,
        account_id: int,
        sid: str,
        realm: Realm,
        role: str,
        token_type: TokenType,
        jti: str | None = None,
        now: int | None = None,
    ) -> tuple[str, TokenClaims]:
        """A signed token and the claims it carries."""
        issued_at = int(time.time()) if now is None else now
        claims = TokenClaims(
            account_id=account_id,
            sid=sid,
            realm=realm,
            role=role,
            type=token_type,
            jti=jti or new_token_id(),
            issued_at=issued_at,
            expires_at=issued_at + self._ttl[token_type],
        )
        payload: dict[str, Any] = {
            "sub": str(account_id),
            "sid": sid,
            "realm": realm.value,
            "role": role,
            "type": token_type.value,
            "jti": claims.jti,
            "iss": self._issuer,
            "aud": self._audience,
            "iat": issued_at,
            "nbf": issued_at,
            "exp": claims.expires_at,
        }
        token = jwt.encode(
            payload,
            self._keys.signing_key,
            algorithm=ALGORITHM,
            headers={"kid": self._keys.signing_kid},
        )
        return token, claims

    def decode(self, token: str, *, realm: Realm, token_type: TokenType) -> TokenClaims:
        """Verify signature and claims for this use; any failure is the same 401."""
        try:
            claims = _claims_of(self._verified_payload(token))
        # RecursionError: JSON nested past the parser's depth is as unreadable as any.
        except (InvalidSignature, _RejectedError, ValueError, TypeError, RecursionError) as exc:
            raise AuthError(MessageKey.AUTH_TOKEN_INVALID, headers=INVALID_TOKEN_CHALLENGE) from exc
        if claims.realm is not realm or claims.type is not token_type:
            raise AuthError(MessageKey.AUTH_TOKEN_INVALID, headers=INVALID_TOKEN_CHALLENGE)
        return claims

    def _verified_payload(self, token: str) -> dict[str, Any]:
        """The payload of a token signed by a trusted key, its registered claims checked.

        Each part is decoded once (PyJWT's `decode` cost three times the signature check
        on every request); what it checked is checked here, as strictly.
        """
        parts = token.split(".")
        if len(parts) != 3:
            raise _RejectedError
        header_part, payload_part, signature_part = parts
        header = _json_object(header_part)
        # Checked before a key is chosen: `none` and HS256-with-the-public-key die here, and
        # no extension (`crit`) is understood, so none may be required.
        if header.get("alg") != ALGORITHM or "crit" in header:
            raise _RejectedError
        kid = header.get("kid")
        key = self._keys.verification_key(kid) if isinstance(kid, str) else None
        if key is None:
            raise _RejectedError
        # RS256 (RFC 7518 §3.3): PKCS#1 v1.5 with SHA-256 over the first two parts as sent.
        signing_input = f"{header_part}.{payload_part}".encode("ascii")
        key.verify(_base64url(signature_part), signing_input, PKCS1v15(), SHA256())
        payload = _json_object(payload_part)
        self._check_registered_claims(payload)
        return payload

    def _check_registered_claims(self, payload: dict[str, Any]) -> None:
        if any(payload.get(name) is None for name in REQUIRED_CLAIMS):
            raise _RejectedError
        # One audience, as a string: a list naming ours among others is refused.
        if payload["iss"] != self._issuer or payload["aud"] != self._audience:
            raise _RejectedError
        issued_at, not_before, expires_at = (
            _numeric_date(payload[name]) for name in ("iat", "nbf", "exp")
        )
        now = time.time()
        if expires_at <= now - self._leeway:
            raise _RejectedError  # expired
        if not_before > now + self._leeway or issued_at > now + self._leeway:
            raise _RejectedError  # not valid yet


class _RejectedError(Exception):
    """A token the codec refuses (unreadable, untrusted or out of its validity)."""


# The parts of a compact JWS: `header.payload.signature`.
HEADER, PAYLOAD = 0, 1
# base64url without padding (RFC 7515 §2): any other character makes the part unreadable.
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")


def _base64url(part: str) -> bytes:
    if not _BASE64URL.fullmatch(part):
        raise ValueError("not base64url")
    # A length of 4n+1 is no base64 at all: `binascii.Error`, a ValueError.
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _json_object(part: str) -> dict[str, Any]:
    decoded = json.loads(_base64url(part))
    if not isinstance(decoded, dict):
        raise ValueError("not a JSON object")
    return decoded


def _numeric_date(value: object) -> float:
    # RFC 7519 §2 NumericDate: a JSON number (a boolean is not one).
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _RejectedError
    return value


def unverified_segment(token: str, index: int) -> dict[str, Any]:
    """The JSON object in one part of a token, *unverified*: fit only to choose a check."""
    parts = token.split(".")
    if len(parts) != 3:
        raise ValueError("not a compact JWS")
    return _json_object(parts[index])


def _claims_of(payload: dict[str, Any]) -> TokenClaims:
    subject = payload["sub"]
    # A decimal string only: `int()` would also take " 1", "+1" or "1_0".
    if not isinstance(subject, str) or not subject.isascii() or not subject.isdigit():
        raise ValueError("sub is not an account id")
    texts = {name: payload[name] for name in ("sid", "role", "jti")}
    if not all(isinstance(value, str) and value for value in texts.values()):
        raise ValueError("sid, role and jti must be non-empty strings")
    return TokenClaims(
        account_id=int(subject),
        sid=texts["sid"],
        realm=Realm(payload["realm"]),
        role=texts["role"],
        type=TokenType(payload["type"]),
        jti=texts["jti"],
        issued_at=int(payload["iat"]),
        expires_at=int(payload["exp"]),
    )
