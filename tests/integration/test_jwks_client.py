"""An off-the-shelf JWKS client (PyJWT's `PyJWKClient`) verifies our tokens from a served app."""

import asyncio
import socket
from collections.abc import AsyncIterator

import httpx
import jwt
import pytest
import uvicorn
from fastapi import FastAPI

from app.resources import resources_of, settings_of
from tests.behaviour.accounts import Accounts
from tests.behaviour.domain import clean_app_stores

STARTUP_SECONDS = 10


@pytest.fixture
async def served(app: FastAPI, client: httpx.AsyncClient) -> AsyncIterator[str]:
    """The app (lifespan already started by `client`) on a real loopback port: its base URL."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))  # a free port the kernel picks: no clash with colleagues
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_level="warning"))
    task = asyncio.create_task(server.serve(sockets=[listener]))
    try:
        async with asyncio.timeout(STARTUP_SECONDS):
            # uvicorn offers a flag, no event, to wait on.
            while not server.started:  # noqa: ASYNC110
                await asyncio.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        listener.close()


async def test_pyjwkclient_verifies_a_signed_in_users_token(
    app: FastAPI, client: httpx.AsyncClient, served: str
) -> None:
    try:
        session = await Accounts(client, app).user()
        jwks_client = jwt.PyJWKClient(f"{served}/.well-known/jwks.json", cache_keys=False)
        # urllib underneath blocks: off the loop that serves the app.
        signing_key = await asyncio.to_thread(jwks_client.get_signing_key_from_jwt, session.access)
        keys = resources_of(app).auth.jwt_keys
        assert signing_key.key_id == keys.signing_kid
        claims = jwt.decode(
            session.access,
            signing_key.key,
            algorithms=["RS256"],
            audience=settings_of(app).auth.jwt_audience,
            issuer=settings_of(app).auth.jwt_issuer,
        )
        assert claims["sub"] == str(session.account_id)
        assert claims["sid"] == session.sid
    finally:
        await clean_app_stores(app)
