"""Who may call what: the declared access policies, and the one gate that enforces them.

Every REST operation and GraphQL field that is not a public read declares a `Policy`;
REST routes depend on `requires(policy)`, GraphQL fields carry `PolicyPermission`, and both
call `Gate.admit`, which checks in this order:

1. the token's signature and claims, and its session in Redis (generation included);
2. the account row: gone is a 401, banned or inactive a 403;
3. the realm: a valid token of the other realm is a 403 with `insufficient_scope`
   (a 401 would tell the client to refresh and retry, which cannot help);
4. the role, read from the row (a role changed since sign-in applies at once).
"""

import enum
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from functools import cache
from typing import Annotated

from fastapi import Depends, FastAPI, Request

from app.api.auth.accounts import AccountCheck
from app.api.auth.dependencies import (
    account_check,
    admin_bearer,
    claimed_realm,
    token_service,
    user_bearer,
)
from app.api.auth.principal import Principal
from app.api.auth.tokens import TokenService
from app.core.errors import AuthError, ForbiddenError
from app.core.i18n import MessageKey
from app.core.security.tokens import Realm
from app.models.mysql.admins import Admin
from app.models.postgres.users import User
from app.resources import Resources, resources_of

# RFC 6750 §3.1: the token is fine, but not for this resource.
INSUFFICIENT_SCOPE = {"WWW-Authenticate": 'Bearer error="insufficient_scope"'}


class Audience(enum.Enum):
    """Whom a policy admits, before roles."""

    PUBLIC = "public"
    USER = "user"
    ADMIN = "admin"
    OWNER_OR_ADMIN = "owner-or-admin"


@dataclass(frozen=True)
class Policy:
    """One operation's rule: its audience and, for administrators, the roles admitted."""

    audience: Audience
    # Empty: any role of the realm.
    admin_roles: frozenset[str] = frozenset()

    @property
    def realms(self) -> frozenset[Realm]:
        """The realms whose tokens this policy accepts."""
        return {
            Audience.PUBLIC: frozenset(),
            Audience.USER: frozenset({Realm.USER}),
            Audience.ADMIN: frozenset({Realm.ADMIN}),
            Audience.OWNER_OR_ADMIN: frozenset({Realm.USER, Realm.ADMIN}),
        }[self.audience]

    def describe(self) -> str:
        """The policy as the README's access table writes it."""
        roles = ", ".join(sorted(self.admin_roles))
        role_text = f" with role {roles}" if roles else ""
        return {
            Audience.PUBLIC: "public",
            Audience.USER: "user",
            Audience.ADMIN: f"admin{role_text}",
            Audience.OWNER_OR_ADMIN: f"owner or admin{role_text}",
        }[self.audience]


ADMIN_ROLE = "admin"  # the role `admin create` gives (DEFAULT_ADMIN_ROLE)

PUBLIC = Policy(Audience.PUBLIC)
USER = Policy(Audience.USER)
# Signed-in administrators of any role: only for acting on their own session.
ANY_ADMIN = Policy(Audience.ADMIN)
ADMIN = Policy(Audience.ADMIN, frozenset({ADMIN_ROLE}))
OWNER_OR_ADMIN = Policy(Audience.OWNER_OR_ADMIN, frozenset({ADMIN_ROLE}))


class Gate:
    """Admits a token under a policy, or raises the 401/403 the caller must get."""

    def __init__(self, tokens: TokenService, accounts: AccountCheck) -> None:
        self._tokens = tokens
        self._accounts = accounts

    async def admit(self, policy: Policy, token: str | None) -> Principal:
        """The caller, checked against `policy` (see the module docstring for the order)."""
        principal, _ = await self.admit_account(policy, token)
        return principal

    async def admit_account(
        self, policy: Policy, token: str | None
    ) -> tuple[Principal, User | Admin]:
        """The caller and the account row read to admit them (handlers reuse it)."""
        if not token:
            raise AuthError(MessageKey.AUTH_TOKEN_MISSING)
        realm = claimed_realm(token)
        principal = await self._tokens.authenticate(token, realm)
        account = await self._accounts.account(realm, principal.account_id)
        role = account.role
        if realm not in policy.realms:
            message = (
                MessageKey.USER_REQUIRED if realm is Realm.ADMIN else MessageKey.ADMIN_REQUIRED
            )
            raise ForbiddenError(message, headers=INSUFFICIENT_SCOPE)
        if realm is Realm.ADMIN and policy.admin_roles and role not in policy.admin_roles:
            raise ForbiddenError(MessageKey.AUTH_ROLE_FORBIDDEN)
        return replace(principal, role=role), account


# Per app, the gate built over its current resources: built once per lifespan, not per
# request (a new lifespan brings new resources, and with them a new gate).
_gates: "weakref.WeakKeyDictionary[FastAPI, tuple[Resources, Gate]]" = weakref.WeakKeyDictionary()


def gate_of(app: FastAPI) -> Gate:
    """The gate over the running app's token service and account databases (no I/O)."""
    resources = resources_of(app)
    built = _gates.get(app)
    if built is None or built[0] is not resources:
        built = (resources, Gate(token_service(app), account_check(app)))
        _gates[app] = built
    return built[1]


async def admit_request(request: Request, policy: Policy, token: str | None) -> Principal:
    """Admit the request's caller; the account row stays on the request for the handler."""
    principal, account = await gate_of(request.app).admit_account(policy, token)
    # `CurrentUser` / `CurrentAdmin` take it from here: one account read per request.
    request.state.account = account
    return principal


def admitted_account(request: Request, realm: Realm, account_id: int) -> User | Admin | None:
    """The row `admit_request` read for this caller, if this request went through it."""
    account = getattr(request.state, "account", None)
    model = User if realm is Realm.USER else Admin
    return account if isinstance(account, model) and account.id == account_id else None


# One dependency function per policy (cached): FastAPI then resolves it once per request,
# and the access-table test finds each route's policy on it.
PolicyDependency = Callable[..., Awaitable[Principal]]


@cache
def requires(policy: Policy) -> PolicyDependency:
    """The REST dependency enforcing `policy` (the bearer schemes document it in OpenAPI)."""
    if policy.realms == {Realm.USER}:

        async def user_route(
            token: Annotated[str | None, Depends(user_bearer)], request: Request
        ) -> Principal:
            return await admit_request(request, policy, token)

        dependency: PolicyDependency = user_route
    elif policy.realms == {Realm.ADMIN}:

        async def admin_route(
            token: Annotated[str | None, Depends(admin_bearer)], request: Request
        ) -> Principal:
            return await admit_request(request, policy, token)

        dependency = admin_route
    else:

        async def either_route(
            user_token: Annotated[str | None, Depends(user_bearer)],
            admin_token: Annotated[str | None, Depends(admin_bearer)],
            request: Request,
        ) -> Principal:
            # Both schemes read the same header; declaring both documents either realm.
            return await admit_request(request, policy, user_token or admin_token)

        dependency = either_route
    dependency.policy = policy  # type: ignore[attr-defined]  # read by the access table
    return dependency


def policy_of(dependency: object) -> Policy | None:
    """The policy a dependency enforces, if it is one made by `requires`."""
    policy = getattr(dependency, "policy", None)
    return policy if isinstance(policy, Policy) else None
