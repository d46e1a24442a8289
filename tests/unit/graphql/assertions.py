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
