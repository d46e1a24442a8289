"""Every dependency as one `Annotated` alias; handlers name these, never `Depends(...)`."""

from typing import Annotated

from fastapi import Depends, Request

from app.api.auth.dependencies import (
    client_info,
    current_admin_principal,
    current_user_principal,
    get_key_set,
    get_login_limiter,
    get_password_hasher,
    get_token_service,
)
from app.api.auth.principal import Principal
from app.api.auth.ratelimit import LoginLimiter
from app.api.auth.sessions import ClientInfo
from app.api.auth.tokens import TokenService
from app.core.envelope import request_language
from app.core.security.keys import KeySet
from app.core.security.passwords import PasswordHasher
from app.settings import Settings

# Dependencies are `async def` even when they do not await (here and in their modules):
# FastAPI runs a plain `def` dependency in a worker thread, which costs more than the work
# itself on every request.


async def get_app_settings(request: Request) -> Settings:
    """The settings the running app was built with (not the process-wide default)."""
    settings: Settings = request.app.state.settings
    return settings


async def get_language(request: Request) -> str:
    """The language negotiated for this request."""
    return request_language(request)


AppSettingsDep = Annotated[Settings, Depends(get_app_settings)]
Lang = Annotated[str, Depends(get_language)]

# Auth: the caller of each realm, and the services the auth routes use.
CurrentUserPrincipal = Annotated[Principal, Depends(current_user_principal)]
CurrentAdminPrincipal = Annotated[Principal, Depends(current_admin_principal)]
Tokens = Annotated[TokenService, Depends(get_token_service)]
Passwords = Annotated[PasswordHasher, Depends(get_password_hasher)]
LoginLimit = Annotated[LoginLimiter, Depends(get_login_limiter)]
JwtKeys = Annotated[KeySet, Depends(get_key_set)]
Client = Annotated[ClientInfo, Depends(client_info)]
