"""A login-shaped probe route: brute-force limit (429) and nothing secret in any log line."""

import logging
from dataclasses import replace

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from limits.aio.storage import MemoryStorage
from limits.errors import StorageError
from pydantic import BaseModel
from redis.exceptions import ConnectionError as RedisConnectionError

from app.api.auth.ratelimit import LoginLimiter
from app.core.envelope import Envelope, error_responses, success
from app.core.errors import AuthError, ErrorType
from app.core.i18n import MessageKey
from app.core.routing import EnvelopeRoute
from app.core.security.tokens import Realm
from app.depends import Client, Lang, LoginLimit, Passwords, Tokens
from app.resources import attach_resources, resources_of, settings_of
from tests.envelope import assert_envelope
from tests.unit.auth.conftest import bearer
from tests.unit.auth.test_protected_routes import CurrentUserPrincipal

PASSWORD = "correct horse battery"

pytestmark = pytest.mark.auth_settings(
    login_rate_limit_per_username="3/minute", login_rate_limit_per_address="5/minute"
)


class Credentials(BaseModel):
    username: str
    password: str


class Pair(BaseModel):
    access_token: str
    refresh_token: str


probe_router = APIRouter(prefix="/_login", route_class=EnvelopeRoute)


@probe_router.post("", responses=error_responses(ErrorType.UNAUTHORIZED, ErrorType.RATE_LIMITED))
async def login(
    body: Credentials,
    limiter: LoginLimit,
    hasher: Passwords,
    service: Tokens,
    client: Client,
    lang: Lang,
) -> Envelope[Pair]:
    """The shape the real login takes: limit, verify (dummy for unknown), issue."""
    await limiter.reserve(Realm.USER, client.ip, body.username)
    # One known account, "alice"; its hash is made per call here only to keep the probe small.
    stored = await hasher.hash(PASSWORD) if body.username == "alice" else None
    if not await hasher.verify(body.password, stored):
        raise AuthError(MessageKey.AUTH_INVALID_CREDENTIALS)
    await limiter.release(Realm.USER, client.ip, body.username)
    pair = await service.issue(Realm.USER, 1, "user", client=client)
    return success(Pair(access_token=pair.access_token, refresh_token=pair.refresh_token), lang)


@probe_router.get("/me", responses=error_responses(ErrorType.UNAUTHORIZED))
async def me(principal: CurrentUserPrincipal, lang: Lang) -> Envelope[int]:
    """Who am I."""
    return success(principal.account_id, lang)


@pytest.fixture
def probe_routers() -> tuple[APIRouter, ...]:
    # Built into the app rather than added to it, so the app can serve the next test too.
    return (probe_router,)


async def test_repeated_failures_for_a_username_are_429_with_retry_after(
    client: httpx.AsyncClient,
) -> None:
    for _ in range(3):
        response = await client.post("/_login", json={"username": "Alice", "password": "nope-nope"})
        body = assert_envelope(response, 401, ErrorType.UNAUTHORIZED)
        assert body["message"] == "Wrong username or password."
    # Even the right password waits now; the username is matched case-insensitively.
    response = await client.post("/_login", json={"username": "alice", "password": PASSWORD})
    body = assert_envelope(response, 429, ErrorType.RATE_LIMITED)
    assert body["message"] == "Too many sign-in attempts; try again later."
    assert 1 <= int(response.headers["retry-after"]) <= 60


async def test_address_limit_covers_many_usernames(client: httpx.AsyncClient) -> None:
    for index in range(5):
        response = await client.post(
            "/_login", json={"username": f"user{index}", "password": "nope-nope"}
        )
        assert_envelope(response, 401)
    response = await client.post("/_login", json={"username": "fresh", "password": "nope-nope"})
    assert_envelope(response, 429, ErrorType.RATE_LIMITED)
    assert int(response.headers["retry-after"]) >= 1


async def test_success_clears_the_username_budget(client: httpx.AsyncClient) -> None:
    for _ in range(2):
        await client.post("/_login", json={"username": "alice", "password": "nope-nope"})
    response = await client.post("/_login", json={"username": "alice", "password": PASSWORD})
    assert_envelope(response, 200, ErrorType.SUCCESS)
    for _ in range(2):
        response = await client.post("/_login", json={"username": "alice", "password": "nope!"})
        assert_envelope(response, 401)


async def test_no_password_hash_or_token_in_any_log_line(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        await client.post("/_login", json={"username": "alice", "password": "wrong-password"})
        response = await client.post("/_login", json={"username": "alice", "password": PASSWORD})
        pair = assert_envelope(response, 200)["data"]
        assert_envelope(await client.get("/_login/me", headers=bearer(pair["access_token"])), 200)
        tampered = pair["access_token"][:-4] + "AAAA"
        assert_envelope(await client.get("/_login/me", headers=bearer(tampered)), 401)
        # `token` is no parameter of the route (a 422), and must not reach the log either.
        assert_envelope(await client.get("/_login/me?token=" + pair["refresh_token"]), 422)
    # httpx/httpcore log on the test's side of the wire (the client), not the app's.
    server_side = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    text = "\n".join(record.getMessage() for record in server_side)
    assert "/_login" in text  # the access log did run
    secrets = [
        PASSWORD,
        "wrong-password",
        pair["access_token"],
        pair["refresh_token"],
        tampered,
        # A token's signature alone is enough to be a leak.
        pair["access_token"].rsplit(".", 1)[1],
        pair["refresh_token"].rsplit(".", 1)[1],
        "$2b$",
    ]
    for secret in secrets:
        assert secret not in text
    assert PASSWORD not in response.text


class _UnreachableStorage(MemoryStorage):
    """Counters that fail the way `limits` reports an unreachable Redis."""

    async def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        raise StorageError(RedisConnectionError("connection refused"))

    async def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        raise StorageError(RedisConnectionError("connection refused"))

    async def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        raise StorageError(RedisConnectionError("connection refused"))


async def test_limiter_storage_failure_is_503(app: FastAPI, client: httpx.AsyncClient) -> None:
    resources = resources_of(app)
    limiter = LoginLimiter.from_settings(_UnreachableStorage(), settings_of(app).auth)
    attach_resources(app, replace(resources, auth=replace(resources.auth, login_limiter=limiter)))
    response = await client.post("/_login", json={"username": "alice", "password": PASSWORD})
    assert_envelope(response, 503, ErrorType.SERVICE_UNAVAILABLE)
    assert "connection refused" not in response.text
