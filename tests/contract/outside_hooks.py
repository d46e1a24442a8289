"""Hooks for an outside schemathesis CLI run: the `x-` rules, and a token per secured case.

`SCHEMATHESIS_HOOKS=tests.contract.outside_hooks schemathesis run URL/openapi.json ...`
(with `OUTSIDE_BASE_URL`, `OUTSIDE_ADMIN_USERNAME` and `OUTSIDE_ADMIN_PASSWORD` set).

Every secured case gets a session of its own, opened through the API as a client would
(a new user registers and signs in; the administrator signs in again), so a generated logout,
logout-all, session revocation, password change or ban ends only the session of that one
case, never the token the rest of the run relies on. schemathesis' `ignored_auth` check
sends each secured case without it too, so both sides of auth are exercised.
"""

import os
import secrets
from typing import Any

import requests
import schemathesis
from requests.structures import CaseInsensitiveDict
from schemathesis import AuthContext, Case

# Importing it registers the hooks that keep positive cases within the document's `x-` rules.
from tests.contract.hooks import give_caller_password

ADMIN_SCHEME = "AdminBearer"
TIMEOUT = 30


def _post(path: str, body: dict[str, str]) -> dict[str, Any]:
    response = requests.post(f"{os.environ['OUTSIDE_BASE_URL']}{path}", json=body, timeout=TIMEOUT)
    response.raise_for_status()
    payload: dict[str, Any] = response.json()
    return payload


def user_session() -> tuple[str, str]:
    """A new user's access token and password: register, then sign in."""
    name = f"outsider{secrets.token_hex(6)}"
    password = secrets.token_urlsafe(12)
    _post(
        "/api/v1/auth/register",
        {"username": name, "email": f"{name}@example.com", "password": password},
    )
    token: str = _post("/api/v1/auth/login", {"username": name, "password": password})["data"][
        "access_token"
    ]
    return token, password


def admin_session() -> tuple[str, str]:
    """A new session of the run's administrator: its access token and password."""
    credentials = {
        "username": os.environ["OUTSIDE_ADMIN_USERNAME"],
        "password": os.environ["OUTSIDE_ADMIN_PASSWORD"],
    }
    token: str = _post("/api/v1/admin/auth/login", credentials)["data"]["access_token"]
    return token, credentials["password"]


def _wants_admin(case: Case[Any]) -> bool:
    # Only-admin operations name AdminBearer alone; owner-or-admin ones accept a user too.
    requirements = case.operation.definition.raw.get("security", [])
    schemes = {name for requirement in requirements for name in requirement}
    return schemes == {ADMIN_SCHEME}


# No caching (`refresh_interval=None`): `get` runs for every case, so no case shares a session.
@schemathesis.auth(refresh_interval=None)
class FreshSession:
    """A token of the operation's realm, from a session opened for this case alone."""

    def get(self, case: Case[Any], context: AuthContext) -> tuple[str, str] | None:
        """Open the session (public operations get none): its token and password."""
        del context
        if not case.operation.definition.raw.get("security"):
            return None
        return admin_session() if _wants_admin(case) else user_session()

    def set(self, case: Case[Any], data: tuple[str, str] | None, context: AuthContext) -> None:
        """Send the token as a bearer token; the password where `x-caller-password` asks."""
        del context
        if data is not None:
            token, password = data
            if case.headers is None:
                case.headers = CaseInsensitiveDict()
            case.headers["Authorization"] = f"Bearer {token}"
            give_caller_password(case, lambda: password)
