"""How a GraphQL error entry is checked: the envelope's five fields in its `extensions`."""

from typing import Any

import httpx

from app.core.errors import ErrorType
from tests.envelope import check_envelope


def only_error(response: httpx.Response, error_type: ErrorType) -> dict[str, Any]:
    """The single `errors[]` entry, checked to carry the envelope of `error_type`."""
    body = response.json()
    assert "errors" in body, body
    [error] = body["errors"]
    extensions = error["extensions"]
    check_envelope(extensions, error_type.status_code)
    assert extensions["error_type"] == error_type.value
    assert error["message"] == extensions["message"]
    assert "x-request-id" in response.headers
    return dict(error)


def every_error(response: httpx.Response, error_type: ErrorType) -> list[dict[str, Any]]:
    """All `errors[]` entries (at least one), each checked to carry the envelope of `error_type`."""
    errors: list[dict[str, Any]] = response.json()["errors"]
    assert errors
    for error in errors:
        check_envelope(error["extensions"], error_type.status_code)
        assert error["extensions"]["error_type"] == error_type.value
        assert error["message"] == error["extensions"]["message"]
    return errors
