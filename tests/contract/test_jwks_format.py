"""`/.well-known/jwks.json` keeps RFC 7517's format, not the envelope, under any headers."""

import base64
import json

from hypothesis import given
from hypothesis import strategies as st

from app.core.errors import ErrorType
from tests.contract.probes import send
from tests.contract.strategies import accept_languages, hostile_headers
from tests.contract.target import ContractTarget
from tests.envelope import check_exchange

JWKS_PATH = "/.well-known/jwks.json"
# RFC 7518 §6.3.1: the members an RSA public key carries; a private member must never appear.
RSA_PUBLIC_MEMBERS = {"kty", "kid", "use", "alg", "n", "e"}


def _is_base64url_uint(value: object) -> bool:
    if not isinstance(value, str) or not value or "=" in value:
        return False
    try:
        decoded = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except ValueError:
        return False
    return decoded[:1] != b"\x00"  # RFC 7518 §2: minimal octets, no leading zero


@given(headers=hostile_headers(), language=accept_languages())
def test_jwks_is_an_rfc7517_key_set(
    target: ContractTarget, headers: dict[str, str], language: str
) -> None:
    exchange, _ = send(target, "GET", JWKS_PATH, {**headers, "Accept-Language": language})
    assert exchange.status == 200, exchange.text[:300]
    assert exchange.headers["content-type"] == "application/jwk-set+json"
    body = json.loads(exchange.text)
    assert set(body) == {"keys"}
    assert body["keys"], "an empty key set verifies nothing"
    kids = [jwk["kid"] for jwk in body["keys"]]
    assert len(kids) == len(set(kids)), "kids must tell keys apart (RFC 7517 §4.5)"
    for jwk in body["keys"]:
        assert set(jwk) == RSA_PUBLIC_MEMBERS, sorted(jwk)
        assert (jwk["kty"], jwk["use"], jwk["alg"]) == ("RSA", "sig", "RS256")
        assert _is_base64url_uint(jwk["n"])
        assert _is_base64url_uint(jwk["e"])


@given(method=st.sampled_from(["POST", "PUT", "PATCH", "DELETE"]))
def test_jwks_refusals_keep_the_envelope(target: ContractTarget, method: str) -> None:
    exchange, _ = send(target, method, JWKS_PATH)
    body = check_exchange(exchange)
    assert body is not None
    assert body["error_type"] == ErrorType.METHOD_NOT_ALLOWED.value
