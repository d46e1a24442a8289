"""The token hook: how the contract suite authenticates the operations that declare security.

Every secured operation is sent twice per generated case: without credentials (it must
answer 401 in the envelope) and with the headers `valid_auth_headers` returns (its normal
contract). The coverage meta-test demands both for every secured operation; the hostile
header strategies send every token of `rejected_tokens`, which must all be refused.
"""

import asyncio
import secrets
import time
from collections.abc import Callable, Mapping
from typing import Any

from fastapi import FastAPI

from app.api.admins.repository import AdminRepository
from app.api.auth.dependencies import token_service
from app.api.users.repository import UserRepository
from app.core.security.keys import generate_private_key, thumbprint
from app.core.security.tokens import Realm, TokenType
from app.database.session import unit_of_work
from app.resources import resources_of, settings_of
from tests.contract.routes import HTTP_METHODS, RouteKey
from tests.unit.auth.conftest import Forger

ADMIN_SCHEME = "AdminBearer"
MINT_TIMEOUT = 30

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


def _realm_of(app: FastAPI, operation: Any) -> Realm:
    # The realm the operation's own security requirement names (AdminBearer or UserBearer).
    definition = app.openapi()["paths"][operation.path][operation.method.lower()]
    schemes = {name for requirement in definition.get("security", []) for name in requirement}
    return Realm.ADMIN if ADMIN_SCHEME in schemes else Realm.USER


async def _fresh_account(app: FastAPI, realm: Realm) -> tuple[int, str]:
    # A bcrypt hash made once per app: valid (a password check on it works), and cheap after.
    if not hasattr(app.state, "contract_password_hash"):
        hasher = resources_of(app).auth.password_hasher
        app.state.contract_password = secrets.token_urlsafe(16)
        app.state.contract_password_hash = await hasher.hash(app.state.contract_password)
    name = f"contract{secrets.token_hex(6)}"
    fields = {
        "username": name,
        "email": f"{name}@contract.example",
        "password_hash": app.state.contract_password_hash,
    }
    if realm is Realm.ADMIN:
        async with unit_of_work(resources_of(app).backends.admins) as session:
            admin = await AdminRepository(session).create(**fields)
            return admin.id, admin.role
    async with unit_of_work(resources_of(app).backends.postgres) as session:
        user = await UserRepository(session).create(**fields)
        return user.id, user.role


async def _mint(app: FastAPI, realm: Realm) -> str:
    account_id, role = await _fresh_account(app, realm)
    pair = await token_service(app).issue(realm, account_id, role)
    return pair.access_token


def realm_auth_headers(app: FastAPI, realm: Realm) -> Mapping[str, str]:
    """Headers with a valid token of `realm`: a fresh account and session per call."""
    # Fresh each time: a generated logout, password change or ban must not end the session
    # the next case relies on.
    loop: asyncio.AbstractEventLoop = app.state.contract_loop
    token = asyncio.run_coroutine_threadsafe(_mint(app, realm), loop).result(MINT_TIMEOUT)
    return {"Authorization": f"Bearer {token}"}


def caller_password(app: FastAPI) -> str:
    """The password of every account `realm_auth_headers` signs in (for `x-caller-password`)."""
    password: str = app.state.contract_password
    return password


def valid_auth_headers(app: FastAPI, operation: Any) -> Mapping[str, str]:
    """Headers with a valid token for the OpenAPI `operation` (its declared realm)."""
    return realm_auth_headers(app, _realm_of(app, operation))


def rejected_tokens(app: FastAPI) -> list[str]:
    """Bearer tokens every secured operation must refuse with 401 (forged, expired, other realm)."""
    forger = Forger(resources_of(app).auth.jwt_keys, settings_of(app))
    codec = resources_of(app).auth.token_codec
    now = int(time.time())
    stranger = generate_private_key()
    claims = forger.claims()
    valid_looking, _ = codec.encode(
        account_id=1, sid="no-such-session", realm=Realm.USER, role="user",
        token_type=TokenType.ACCESS,
    )  # fmt: skip
    return [
        forger.alg_none(claims),
        forger.hs256_with_public_key(claims),
        forger.rs256(claims, key=stranger, kid=thumbprint(stranger.public_key())),
        forger.rs256(forger.claims(iat=now - 7200, nbf=now - 7200, exp=now - 3600)),
        forger.rs256(forger.claims(type="refresh")),
        forger.rs256(forger.claims(realm="admin", role="admin")),
        forger.rs256(forger.claims(aud="another-api")),
        Forger.tamper(valid_looking, sub="2"),
        # Well signed, but its session does not exist (revoked, logged out or never opened).
        valid_looking,
    ]
