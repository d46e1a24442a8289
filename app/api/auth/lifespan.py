"""Auth's share of the lifespan: keys, codec, hasher and limiter, built once per app."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from app.api.auth.ratelimit import LoginLimiter, limiter_storage
from app.core.security.keys import KeySet, load_key_set
from app.core.security.passwords import PasswordHasher
from app.core.security.tokens import TokenCodec
from app.settings import Settings


@dataclass(frozen=True)
class AuthResources:
    """What auth keeps for the app's lifetime (part of `app.resources.Resources`)."""

    jwt_keys: KeySet
    token_codec: TokenCodec
    password_hasher: PasswordHasher
    login_limiter: LoginLimiter


@asynccontextmanager
async def auth_resources(settings: Settings) -> AsyncIterator[AuthResources]:
    """Build the key set, token codec, password hasher and login limiter; close the hasher."""
    auth = settings.auth
    # File reads and RSA generation block: keep them off the event loop, even at startup.
    jwt_keys = await asyncio.to_thread(load_key_set, auth, settings.environment)
    hasher = await PasswordHasher.create(auth.bcrypt_rounds, auth.bcrypt_queue_limit)
    try:
        yield AuthResources(
            jwt_keys=jwt_keys,
            token_codec=TokenCodec(jwt_keys, auth),
            password_hasher=hasher,
            login_limiter=LoginLimiter.from_settings(
                limiter_storage(
                    settings.database,
                    f"{settings.database.redis_key_prefix}{auth.session_key_prefix}:ratelimit",
                ),
                auth,
            ),
        )
    finally:
        hasher.close()
