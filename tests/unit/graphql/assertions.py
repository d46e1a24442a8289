"""How GraphQL errors are checked: the envelope's five fields in each entry's `extensions`."""

from typing import Any

import httpx

from app.core.errors import ErrorType
from tests.envelope import check_envelope, check_graphql_errors


def every_error(
    response: httpx.Response, error_type: ErrorType, language: str = "en"
) -> list[dict[str, Any]]:
    """All `errors[]` entries (at least one), each carrying the envelope of `error_type`."""
    body = response.json()
    # The contract tier's check: five keys, a catalog message in `language`, no internals.
    check_graphql_errors(body, language)
    assert "x-request-id" in response.headers
    errors: list[dict[str, Any]] = body["errors"]
    for error in errors:
        check_envelope(error["extensions"], error_type.status_code, language)
        assert error["extensions"]["error_type"] == error_type.value
        assert error["message"] == error["extensions"]["message"]
    return errors


def only_error(
    response: httpx.Response, error_type: ErrorType, language: str = "en"
) -> dict[str, Any]:
    """The single `errors[]` entry, carrying the envelope of `error_type`."""
    [error] = every_error(response, error_type, language)
    return error
