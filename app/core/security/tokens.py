"""The JWT codec: RS256 only, `kid` in the header, every claim required and checked."""

import base64
import json
import secrets
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import jwt

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
        # Verified tokens by their exact text, with the key id that signed them (see decode).
        self._verified: dict[str, tuple[str, TokenClaims]] = {}

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
        claims = self._verified_claims(token)
        if claims.realm is not realm or claims.type is not token_type:
            raise AuthError(MessageKey.AUTH_TOKEN_INVALID, headers=INVALID_TOKEN_CHALLENGE)
        return claims

    def _verified_claims(self, token: str) -> TokenClaims:
        # A client sends the same access token on every request until it expires, and
        # PyJWT's parse plus the RSA check cost a tenth of an authenticated request's CPU.
        # Only a token that passed every check is kept, by its exact text (another text is
        # another token); its expiry and its key's presence in the key set are checked on
        # every use, so a token past `exp` or signed by a retired key is refused as before.
        known = self._verified.get(token)
        if known is not None:
            signer, remembered = known
            still_valid = remembered.expires_at > time.time() - self._leeway
            if still_valid and self._keys.verification_key(signer) is not None:
                return remembered
            del self._verified[token]
        try:
            # Only to choose the key: PyJWT then parses the whole token strictly, once
            # (`get_unverified_header` would parse and check all of it a first time).
            header = unverified_segment(token, HEADER)
            # Checked before a key is chosen: `none` and HS256-with-the-public-key die here,
            # and PyJWT refuses any algorithm but RS256 again below.
            if header.get("alg") != ALGORITHM:
                raise _RejectedError
            kid = header.get("kid")
            if not isinstance(kid, str):
                raise _RejectedError
            key = self._keys.verification_key(kid)
            if key is None:
                raise _RejectedError
            payload = jwt.decode(
                token,
                key,
                algorithms=_ALGORITHMS,
                audience=self._audience,
                issuer=self._issuer,
                leeway=self._leeway,
                options=_DECODE_OPTIONS,
            )
            claims = _claims_of(payload)
        # RecursionError: JSON nested past the parser's depth is as unreadable as any.
        except (jwt.PyJWTError, _RejectedError, ValueError, TypeError, RecursionError) as exc:
            raise AuthError(MessageKey.AUTH_TOKEN_INVALID, headers=INVALID_TOKEN_CHALLENGE) from exc
        if len(self._verified) >= VERIFIED_TOKENS_KEPT:
            # The oldest entry goes first (dicts keep insertion order).
            del self._verified[next(iter(self._verified))]
        self._verified[token] = (kid, claims)
        return claims


class _RejectedError(Exception):
    """A header the codec refuses before any signature check."""


_ALGORITHMS = [ALGORITHM]
# Verified tokens a codec remembers (a few MB at most): about one per client active within
# an access token's lifetime; past it the oldest are verified again on their next use.
VERIFIED_TOKENS_KEPT = 4096
_DECODE_OPTIONS: jwt.types.Options = {"require": list(REQUIRED_CLAIMS), "strict_aud": True}
# The parts of a compact JWS: `header.payload.signature`.
HEADER, PAYLOAD = 0, 1


def unverified_segment(token: str, index: int) -> dict[str, Any]:
    """The JSON object in one part of a token, *unverified*: fit only to choose a check."""
    parts = token.split(".")
    if len(parts) != 3:
        raise ValueError("not a compact JWS")
    segment = parts[index]
    # Strict base64url (no stray characters, as PyJWT requires) with the padding restored.
    raw = base64.b64decode(segment + "=" * (-len(segment) % 4), altchars=b"-_", validate=True)
    decoded = json.loads(raw)
    if not isinstance(decoded, dict):
        raise ValueError("not a JSON object")
    return decoded


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
