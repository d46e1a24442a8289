"""The token codec reads a token once, and reads unverified parts strictly and safely."""

import jwt
import pytest

from app.api.auth.dependencies import claimed_realm
from app.core.errors import AuthError
from app.core.security.keys import KeySet, load_private_pem
from app.core.security.tokens import (
    HEADER,
    PAYLOAD,
    Realm,
    TokenCodec,
    TokenType,
    unverified_segment,
)
from app.settings import AuthSettings
from tests.unit.auth.conftest import b64json, b64url

# Nested past the JSON parser's depth: must be refused, never crash the request.
DEEP = b64url(b"[" * 100_000)


@pytest.fixture
def codec(auth_settings: AuthSettings) -> TokenCodec:
    pem = auth_settings.jwt_private_key
    assert pem is not None
    key = load_private_pem(pem.get_secret_value().encode(), "test key")
    return TokenCodec(KeySet.build(key), auth_settings)


def _token(codec: TokenCodec, realm: Realm = Realm.USER) -> str:
    token, _ = codec.encode(
        account_id=7, sid="sid-1", realm=realm, role="user", token_type=TokenType.ACCESS
    )
    return token


def test_a_token_is_parsed_once_per_check(
    codec: TokenCodec, monkeypatch: pytest.MonkeyPatch
) -> None:
    loads: list[object] = []
    load = jwt.api_jws.PyJWS._load

    def counted(self: jwt.api_jws.PyJWS, token: str | bytes) -> object:
        loads.append(token)
        return load(self, token)

    monkeypatch.setattr(jwt.api_jws.PyJWS, "_load", counted)
    claims = codec.decode(_token(codec), realm=Realm.USER, token_type=TokenType.ACCESS)
    assert claims.account_id == 7
    assert len(loads) == 1


@pytest.mark.parametrize(
    "token",
    [
        f"{DEEP}.{b64json({'sub': '7'})}.c2ln",
        f"{b64json({'alg': 'RS256'})}!.{b64json({'sub': '7'})}.c2ln",
        f"{b64url(b'[1]')}.{b64json({'sub': '7'})}.c2ln",
        "only.two",
        "",
    ],
    ids=["deep-header", "stray-character", "array-header", "two-parts", "empty"],
)
def test_an_unreadable_header_is_the_usual_401(codec: TokenCodec, token: str) -> None:
    with pytest.raises(AuthError):
        codec.decode(token, realm=Realm.USER, token_type=TokenType.ACCESS)


def test_unverified_segments_are_read_strictly() -> None:
    header, payload = {"alg": "RS256", "kid": "k"}, {"realm": "admin"}
    token = f"{b64json(header)}.{b64json(payload)}.c2ln"
    assert unverified_segment(token, HEADER) == header
    assert unverified_segment(token, PAYLOAD) == payload
    for broken in (f"{b64json(header)} .{b64json(payload)}.c2ln", token + ".extra"):
        with pytest.raises(ValueError, match=r"."):
            unverified_segment(broken, HEADER)


def test_the_claimed_realm_only_routes_the_check(codec: TokenCodec) -> None:
    assert claimed_realm(_token(codec, Realm.ADMIN)) is Realm.ADMIN
    assert claimed_realm(_token(codec, Realm.USER)) is Realm.USER
    # Unreadable claims go to the user check, which then refuses them with a 401.
    for junk in ("junk", f"{b64json({})}.{DEEP}.c2ln", f"{b64json({})}.{b64url(b'7')}.c2ln"):
        assert claimed_realm(junk) is Realm.USER
