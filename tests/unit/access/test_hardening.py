"""The audit's smaller holes: bounded 422s, production refusals of weak keys and origins."""

import httpx
import pytest
from pydantic import SecretStr

from app.core.errors import ErrorType
from app.core.handlers import MAX_VALIDATION_PROBLEMS
from app.core.security.keys import KeyConfigurationError, load_key_set, private_pem
from app.settings import AuthSettings, CORSSettings, Environment, Settings, production_problems
from tests.envelope import assert_envelope


async def test_a_422_lists_a_bounded_number_of_problems(client: httpx.AsyncClient) -> None:
    """Many unknown keys: the answer lists at most MAX_VALIDATION_PROBLEMS of them."""
    body = {f"k{i}": 0 for i in range(MAX_VALIDATION_PROBLEMS + 40)}
    response = await client.post("/api/v1/auth/register", json=body)
    problems = assert_envelope(response, 422, ErrorType.VALIDATION_ERROR)["data"]
    assert len(problems) == MAX_VALIDATION_PROBLEMS


@pytest.mark.parametrize(
    ("origin", "safe"),
    [
        ("null", False),
        ("http://shop.example.com", False),
        ("http://localhost.evil.com", False),
        ("https://shop.example.com", True),
        ("http://localhost:3000", True),
        ("http://127.0.0.1:8080", True),
        ("http://[::1]:8080", True),
    ],
)
def test_production_refuses_unsafe_credentialed_origins(origin: str, safe: bool) -> None:
    """With credentials, `null` and plain-http origins (but localhost) are refused."""
    settings = Settings.model_construct(cors=CORSSettings(origins=[origin], allow_credentials=True))
    refused = [p for p in production_problems(settings) if "CORS_ORIGINS may not trust" in p]
    assert (refused == []) is safe, refused


def test_without_credentials_any_explicit_origin_is_fine() -> None:
    """The rule is about credentials: a public API may be read from anywhere listed."""
    settings = Settings.model_construct(cors=CORSSettings(origins=["http://shop.example.com"]))
    assert not [p for p in production_problems(settings) if "CORS_ORIGINS may not" in p]


def _small_key_pem() -> str:
    from cryptography.hazmat.primitives.asymmetric import rsa

    # A weak key on purpose: the refusal is what is under test.
    weak = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505
    return private_pem(weak).decode()


def test_production_refuses_a_signing_key_under_2048_bits() -> None:
    """A 1024-bit key starts in development, never in production."""
    settings = AuthSettings(jwt_private_key=SecretStr(_small_key_pem()))
    assert load_key_set(settings, Environment.TEST).signing_kid
    with pytest.raises(KeyConfigurationError, match="1024 bits"):
        load_key_set(settings, Environment.PRODUCTION)
