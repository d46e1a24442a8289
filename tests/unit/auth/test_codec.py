"""The token codec reads a token once, and reads unverified parts strictly and safely."""

import time
from datetime import datetime, tzinfo

import jwt
import pytest

from app.api.auth.dependencies import claimed_realm
from app.core.errors import AuthError
from app.core.security import tokens
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


def _counting_decodes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each token PyJWT verifies from now on (signature and claims), in order."""
    verified: list[str] = []
    decode = jwt.decode

    def counted(token: str, *args: object, **kwargs: object) -> object:
        verified.append(token)
        return decode(token, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(jwt, "decode", counted)
    return verified


def test_a_token_verified_once_is_not_verified_again(
    codec: TokenCodec, monkeypatch: pytest.MonkeyPatch
) -> None:
    verified = _counting_decodes(monkeypatch)
    token = _token(codec)
    first = codec.decode(token, realm=Realm.USER, token_type=TokenType.ACCESS)
    assert codec.decode(token, realm=Realm.USER, token_type=TokenType.ACCESS) == first
    assert verified == [token]
    # Remembered claims still answer only for their realm and type.
    for realm, token_type in ((Realm.ADMIN, TokenType.ACCESS), (Realm.USER, TokenType.REFRESH)):
        with pytest.raises(AuthError):
            codec.decode(token, realm=realm, token_type=token_type)


def test_a_remembered_token_past_its_expiry_is_refused(
    codec: TokenCodec, auth_settings: AuthSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = _token(codec)
    claims = codec.decode(token, realm=Realm.USER, token_type=TokenType.ACCESS)
    later = float(claims.expires_at + auth_settings.jwt_leeway_seconds + 1)

    class Later(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> "Later":
            return cls.fromtimestamp(later, tz)

    # The clock moves past the token's expiry for the codec and for PyJWT alike.
    monkeypatch.setattr(time, "time", lambda: later)
    monkeypatch.setattr(jwt.api_jwt, "datetime", Later)
    with pytest.raises(AuthError):
        codec.decode(token, realm=Realm.USER, token_type=TokenType.ACCESS)


def test_a_remembered_token_whose_key_is_no_longer_trusted_is_refused(
    auth_settings: AuthSettings,
) -> None:
    pem = auth_settings.jwt_private_key
    assert pem is not None
    keys = KeySet.build(load_private_pem(pem.get_secret_value().encode(), "test key"))
    codec = TokenCodec(keys, auth_settings)
    token = _token(codec)
    codec.decode(token, realm=Realm.USER, token_type=TokenType.ACCESS)
    assert isinstance(keys.verification_keys, dict)
    del keys.verification_keys[keys.signing_kid]
    with pytest.raises(AuthError):
        codec.decode(token, realm=Realm.USER, token_type=TokenType.ACCESS)


def test_the_oldest_remembered_token_is_forgotten_first(
    codec: TokenCodec, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tokens, "VERIFIED_TOKENS_KEPT", 2)
    verified = _counting_decodes(monkeypatch)
    first, second, third = (_token(codec) for _ in range(3))
    for token in (first, second, third, third, second, first):
        codec.decode(token, realm=Realm.USER, token_type=TokenType.ACCESS)
    # `first` was dropped when `third` came in; `second` and `third` were still known.
    assert verified == [first, second, third, first]
