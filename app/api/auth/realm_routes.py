"""The routes each realm signs in and out with: login (JSON or form), refresh and logout.

The user and admin realms differ only in where the accounts live, who may log out and the
words of their documentation; `add_realm_routes` writes the four routes once for both.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy.ext.asyncio import AsyncSession

from app.api.auth import service
from app.api.auth.access import Policy, requires
from app.api.auth.principal import Principal
from app.api.auth.schema import LoginRequest, PasswordLoginForm, RefreshRequest, TokenPairOut
from app.api.auth.service import AccountRows
from app.core.envelope import Envelope, error_responses, success
from app.core.errors import ErrorType
from app.core.i18n import MessageKey
from app.core.security.tokens import Realm
from app.database.sql import SQLDatabase
from app.depends import AuthKit, Client, Lang, NoStore, PasswordForm

LOGIN_ERRORS = (
    ErrorType.UNAUTHORIZED,
    ErrorType.FORBIDDEN,
    ErrorType.RATE_LIMITED,
    ErrorType.SERVICE_UNAVAILABLE,
)
SIGNED_IN_ERRORS = (ErrorType.UNAUTHORIZED, ErrorType.FORBIDDEN, ErrorType.SERVICE_UNAVAILABLE)

# What either login sends: a JSON body or the OAuth2 password form.
Credentials = LoginRequest | PasswordLoginForm
# Signs the realm's account in: the envelope with the tokens, or 401/403/429.
PasswordSignIn = Callable[[Credentials], Awaitable[Envelope[TokenPairOut]]]


@dataclass(frozen=True)
class RealmRoutes:
    """One realm's sign-in routes: its accounts, its logout policy and its route docs."""

    realm: Realm
    # The dependency giving the accounts' database (`app/depends.py`).
    database: Callable[..., Awaitable[SQLDatabase]]
    # The realm's account repository (built on a session), which login reads.
    accounts: Callable[[AsyncSession], AccountRows]
    logout_policy: Policy
    login_doc: str
    login_form_doc: str
    refresh_doc: str
    logout_doc: str


def add_realm_routes(router: APIRouter, prefix: str, routes: RealmRoutes) -> None:
    """Add `{prefix}/login`, `/login/form`, `/refresh` and `/logout` for the realm to `router`."""
    realm = routes.realm
    # Not aliases in app/depends.py: each realm's routes read their own database and policy.
    signed_in = requires(routes.logout_policy)

    async def sign_in(
        database: Annotated[SQLDatabase, Depends(routes.database)],
        services: AuthKit,
        client: Client,
        lang: Lang,
    ) -> PasswordSignIn:
        # The JSON and the form login differ only in how the credentials arrive.
        async def with_password(credentials: Credentials) -> Envelope[TokenPairOut]:
            pair = await service.login(
                realm,
                credentials.username,
                credentials.password,
                find_account=service.account_finder(database, routes.accounts),
                services=services,
                client=client,
            )
            return success(
                TokenPairOut.model_validate(pair), lang, message=MessageKey.AUTH_LOGGED_IN
            )

        return with_password

    # A type alias, local: it names this realm's sign-in dependency.
    SignIn = Annotated[PasswordSignIn, Depends(sign_in)]  # noqa: N806

    async def login(body: LoginRequest, log_in: SignIn, _: NoStore) -> Envelope[TokenPairOut]:
        return await log_in(body)

    async def login_form(form: PasswordForm, log_in: SignIn, _: NoStore) -> Envelope[TokenPairOut]:
        return await log_in(form)

    async def refresh(
        body: RefreshRequest, services: AuthKit, client: Client, lang: Lang, _: NoStore
    ) -> Envelope[TokenPairOut]:
        pair = await service.refresh(realm, body.refresh_token, services=services, client=client)
        return success(TokenPairOut.model_validate(pair), lang)

    async def logout(
        principal: Annotated[Principal, Depends(signed_in)],
        services: AuthKit,
        client: Client,
        lang: Lang,
    ) -> Envelope[None]:
        await service.logout(principal, services=services, client=client)
        return success(None, lang, message=MessageKey.AUTH_LOGGED_OUT)

    # The docstrings are the operations' descriptions in OpenAPI; they name the realm.
    login.__doc__, login_form.__doc__ = routes.login_doc, routes.login_form_doc
    refresh.__doc__, logout.__doc__ = routes.refresh_doc, routes.logout_doc
    login_errors = error_responses(*LOGIN_ERRORS)
    signed_in_errors = error_responses(*SIGNED_IN_ERRORS)
    router.post(f"{prefix}/login", responses=login_errors)(login)
    router.post(f"{prefix}/login/form", responses=login_errors)(login_form)
    router.post(f"{prefix}/refresh", responses=signed_in_errors)(refresh)
    router.post(f"{prefix}/logout", responses=signed_in_errors)(logout)
