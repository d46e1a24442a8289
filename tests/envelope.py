"""The envelope assertions every tier shares."""

from typing import Any

import httpx

from app.core.errors import STATUS, ErrorType

ENVELOPE_KEYS = {"status", "error_type", "message", "status_code", "data"}


def check_envelope(body: Any, http_status: int) -> None:
    """Assert `body` is a well-formed envelope sent with `http_status`."""
    assert isinstance(body, dict), f"not a JSON object: {body!r}"
    assert set(body) == ENVELOPE_KEYS, f"keys {sorted(body)}"
    assert body["status_code"] == http_status
    assert body["status"] == (1 if http_status < 400 else -1)
    error_type = ErrorType(body["error_type"])
    assert STATUS[error_type] == http_status
    assert isinstance(body["message"], str)
    assert body["message"].strip()


def assert_envelope(
    response: httpx.Response, status: int, error_type: ErrorType | None = None
) -> dict[str, Any]:
    """Assert the response keeps the envelope with this status (and type); return the body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    check_envelope(body, status)
    if error_type is not None:
        assert body["error_type"] == error_type.value
    assert "x-request-id" in response.headers
    return body
