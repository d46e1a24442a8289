"""The JWK Set payload (RFC 7517 §5)."""

from typing import Literal

from pydantic import BaseModel


class JWK(BaseModel):
    """One RSA public key that verifies tokens."""

    kty: Literal["RSA"]
    kid: str
    use: Literal["sig"]
    alg: Literal["RS256"]
    n: str
    e: str


class JWKSet(BaseModel):
    """Every key a token may currently be signed with; the signing key comes first."""

    keys: list[JWK]
