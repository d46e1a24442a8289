"""Each validation issue's `msg` comes from the catalog in the negotiated language."""

import httpx
import pytest

from app.core.errors import ErrorType
from app.core.i18n import LANGUAGES, MessageKey, translate
from app.core.security.passwords import MAX_PASSWORD_BYTES, MIN_PASSWORD_CHARS
from tests.envelope import assert_envelope

REGISTER = "/api/v1/auth/register"
SECRET_INPUT = "hunter2"  # shorter than the rule: refused, and must not come back


@pytest.mark.parametrize("language", LANGUAGES)
async def test_register_issues_are_translated_with_their_limits(
    api: httpx.AsyncClient, language: str
) -> None:
    response = await api.post(
        REGISTER,
        json={"username": "x", "email": "not-an-email", "password": SECRET_INPUT},
        headers={"Accept-Language": language},
    )
    body = assert_envelope(response, 422, ErrorType.VALIDATION_ERROR)
    assert response.headers["content-language"] == language
    by_field = {issue["loc"][-1]: issue for issue in body["data"]}
    assert by_field["username"]["type"] == "string_too_short"
    assert by_field["username"]["msg"] == translate(
        MessageKey.ISSUE_STRING_TOO_SHORT, language, {"min_length": 3}
    )
    assert by_field["email"]["type"] == "string_pattern_mismatch"
    assert by_field["email"]["msg"] == translate(MessageKey.ISSUE_PATTERN_MISMATCH, language)
    assert by_field["password"]["type"] == "password_too_short"
    assert by_field["password"]["msg"] == translate(
        MessageKey.ISSUE_PASSWORD_TOO_SHORT, language, {"min_length": MIN_PASSWORD_CHARS}
    )
    assert str(MIN_PASSWORD_CHARS) in by_field["password"]["msg"]
    # No regex, no input, no pydantic English anywhere in the issues.
    for issue in body["data"]:
        assert "^" not in issue["msg"]
        assert "[" not in issue["msg"]
        assert "should" not in issue["msg"]
    assert SECRET_INPUT not in response.text
    assert "not-an-email" not in response.text


async def test_a_password_over_the_byte_limit_names_the_limit_in_arabic(
    api: httpx.AsyncClient,
) -> None:
    password = "é" * 40  # 40 characters, 80 UTF-8 bytes
    response = await api.post(
        REGISTER,
        json={"username": "arabic-user", "email": "a@example.com", "password": password},
        headers={"Accept-Language": "ar-SA"},
    )
    body = assert_envelope(response, 422, ErrorType.VALIDATION_ERROR)
    (issue,) = body["data"]
    assert issue["type"] == "password_too_many_bytes"
    assert issue["msg"] == translate(
        MessageKey.ISSUE_PASSWORD_TOO_MANY_BYTES, "ar", {"limit": MAX_PASSWORD_BYTES}
    )
    assert password not in response.text


async def test_query_limits_are_named_in_hindi(api: httpx.AsyncClient) -> None:
    response = await api.get(
        "/api/v1/categories", params={"limit": 500, "zz": 1}, headers={"Accept-Language": "hi"}
    )
    body = assert_envelope(response, 422, ErrorType.VALIDATION_ERROR)
    assert body["data"] == [
        {
            "loc": ["query", "zz"],
            "msg": translate(MessageKey.ISSUE_EXTRA_FORBIDDEN, "hi"),
            "type": "extra_forbidden",
        }
    ]
    response = await api.get(
        "/api/v1/categories", params={"limit": 500}, headers={"Accept-Language": "hi"}
    )
    (issue,) = assert_envelope(response, 422)["data"]
    assert issue["msg"] == translate(MessageKey.ISSUE_AT_MOST, "hi", {"le": 100})
