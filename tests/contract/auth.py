"""The token hook: how the contract suite authenticates once the app declares security.

Today no operation declares a security requirement. When one does, every secured operation
is sent twice per generated case: without credentials (it must answer 401 in the envelope)
and with the headers `valid_auth_headers` returns (its normal contract). The coverage
meta-test then demands both for every secured operation, so the auth work must implement
`valid_auth_headers` (and list tokens in `rejected_tokens`) for the suite to pass.
"""

from collections.abc import Callable, Mapping
from typing import Any

from fastapi import FastAPI

from tests.contract.routes import HTTP_METHODS, RouteKey

# Given the app and the OpenAPI operation, the headers that authenticate a valid principal.
AuthHeaders = Callable[[FastAPI, Any], Mapping[str, str]]


def security_requirements(operation_definition: Any, document: Mapping[str, Any]) -> list[Any]:
    """The operation's effective security requirements (its own, else the document's)."""
    if isinstance(operation_definition, Mapping) and "security" in operation_definition:
        requirements = operation_definition["security"]
    else:
        requirements = document.get("security", [])
    return list(requirements or [])


def requires_auth(operation_definition: Any, document: Mapping[str, Any]) -> bool:
    """Whether the operation needs credentials (an empty requirement `{}` makes them optional)."""
    requirements = security_requirements(operation_definition, document)
    return bool(requirements) and {} not in requirements


def secured_keys(document: Mapping[str, Any]) -> set[RouteKey]:
    """Every `(METHOD, path)` of the OpenAPI document that requires credentials."""
    keys = set()
    for path, item in document.get("paths", {}).items():
        for method, definition in item.items():
            # Path items also hold `parameters`, `summary`...: only methods are operations.
            is_operation = method.upper() in HTTP_METHODS
            if is_operation and requires_auth(definition, document):
                keys.add((method.upper(), path))
    return keys


def valid_auth_headers(app: FastAPI, operation: Any) -> Mapping[str, str]:
    """Headers with a valid token for `operation`: the hook the auth work implements."""
    # Implement by minting a token for a throwaway account through the app's own services
    # and key set (app.state), for the realm the operation's path belongs to (user or admin).
    del app
    raise NotImplementedError(
        f"{operation.method.upper()} {operation.path} declares a security requirement: implement "
        "tests.contract.auth.valid_auth_headers so the contract suite can send a valid token"
    )


def rejected_tokens(app: FastAPI) -> list[str]:
    """Bearer tokens every secured operation must refuse with 401 (forged, expired, other realm)."""
    # The auth work lists: a token signed by an unknown key, one with alg=none, an HS256 one
    # signed with the public key, an expired one, a refresh token, one of the other realm,
    # and one whose session was revoked. Until then, only garbage Authorization values are sent.
    del app
    return []
