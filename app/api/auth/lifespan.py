"""Auth's share of the lifespan: keys, codec, hasher and limiter, built once per app."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.api.auth.ratelimit import LoginLimiter, limiter_storage
from app.core.security.keys import load_key_set
from app.core.security.passwords import PasswordHasher
from app.core.security.tokens import TokenCodec
from app.settings import Settings


@asynccontextmanager
async def auth_resources(app: FastAPI, settings: Settings) -> AsyncIterator[None]:
    """Put the key set, token codec, password hasher and login limiter on `app.state`."""
    auth = settings.auth
    # File reads and RSA generation block: keep them off the event loop, even at startup.
    app.state.jwt_keys = await asyncio.to_thread(load_key_set, auth, settings.environment)
    app.state.token_codec = TokenCodec(app.state.jwt_keys, auth)
    app.state.password_hasher = await PasswordHasher.create(
        auth.bcrypt_rounds, auth.bcrypt_queue_limit
    )
    app.state.login_limiter = LoginLimiter.from_settings(
        limiter_storage(
            settings.database,
            f"{settings.database.redis_key_prefix}{auth.session_key_prefix}:ratelimit",
        ),
        auth,
    )
    try:
        yield
    finally:
        app.state.password_hasher.close()
