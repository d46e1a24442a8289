"""Protected routes: every bad token is a 401 envelope, every revocation bites at once."""

import asyncio
import logging
from dataclasses import replace
from typing import Annotated, Any

import httpx
import pytest
from fakeredis import FakeAsyncRedis, FakeServer
from fastapi import APIRouter, Depends, FastAPI, Request
from pydantic import BaseModel

from app.api.auth.dependencies import admin_bearer, token_service, user_bearer
from app.api.auth.principal import Principal
from app.api.auth.tokens import RefreshTokenReusedError, TokenService
from app.core.envelope import Envelope, error_responses, success
from app.core.errors import AuthError, ErrorType, ForbiddenError
from app.core.i18n import MessageKey
from app.core.routing import EnvelopeRoute
from app.core.security.tokens import Realm
from app.database.redis import RedisStore
from app.depends import Lang, Tokens
from app.resources import attach_resources, resources_of
from tests.envelope import assert_envelope
from tests.unit.auth.conftest import Forger, bearer


class Caller(BaseModel):
    realm: str
    account_id: int
    role: str


class RefreshBody(BaseModel):
    refresh_token: str


class Pair(BaseModel):
    access_token: str
    refresh_token: str


def _caller(principal: Principal) -> Caller:
    return Caller(realm=principal.realm.value, account_id=principal.account_id, role=principal.role)


# The token and session layer alone (no account rows here): the declared policies in
# app/api/auth/access.py add the row and role checks on top, proven by the access model.
async def _token_principal(token: str | None, realm: Realm, request: Request) -> Principal:
    if not token:
        raise AuthError(MessageKey.AUTH_TOKEN_MISSING)
    return await token_service(request.app).authenticate(token, realm)


async def user_principal(
    token: Annotated[str | None, Depends(user_bearer)], request: Request
) -> Principal:
    return await _token_principal(token, Realm.USER, request)


async def admin_principal(
    token: Annotated[str | None, Depends(admin_bearer)], request: Request
) -> Principal:
    return await _token_principal(token, Realm.ADMIN, request)


async def superadmin_principal(
    principal: Annotated[Principal, Depends(admin_principal)],
) -> Principal:
    if principal.role != "superadmin":
        raise ForbiddenError(MessageKey.AUTH_ROLE_FORBIDDEN)
    return principal


CurrentUserPrincipal = Annotated[Principal, Depends(user_principal)]
CurrentAdminPrincipal = Annotated[Principal, Depends(admin_principal)]


async def _token_role(realm: Realm, account_id: int) -> str:
    return "user"


probe_router = APIRouter(prefix="/_auth", route_class=EnvelopeRoute)


@probe_router.get("/user", responses=error_responses(ErrorType.UNAUTHORIZED))
async def user_only(principal: CurrentUserPrincipal, lang: Lang) -> Envelope[Caller]:
    """A user-realm route."""
    return success(_caller(principal), lang)


@probe_router.get("/admin", responses=error_responses(ErrorType.UNAUTHORIZED))
async def admin_only(principal: CurrentAdminPrincipal, lang: Lang) -> Envelope[Caller]:
    """An admin-realm route."""
    return success(_caller(principal), lang)


SuperAdmin = Annotated[Principal, Depends(superadmin_principal)]


@probe_router.get("/superadmin", responses=error_responses(ErrorType.FORBIDDEN))
async def superadmin_only(principal: SuperAdmin, lang: Lang) -> Envelope[Caller]:
    """An admin route that also needs a role."""
    return success(_caller(principal), lang)


@probe_router.post("/refresh", responses=error_responses(ErrorType.UNAUTHORIZED))
async def refresh(body: RefreshBody, service: Tokens, lang: Lang) -> Envelope[Pair]:
    """Rotate a user refresh token, as the real route will."""
    pair = await service.refresh(body.refresh_token, Realm.USER, _token_role)
    return success(Pair(access_token=pair.access_token, refresh_token=pair.refresh_token), lang)


@probe_router.post("/logout", responses=error_responses(ErrorType.UNAUTHORIZED))
async def logout(principal: CurrentUserPrincipal, service: Tokens, lang: Lang) -> Envelope[None]:
    """End the caller's session."""
    await service.logout(principal)
    return success(None, lang)


@pytest.fixture
def probe_routers() -> tuple[APIRouter, ...]:
    # Built into the app rather than added to it, so the app can serve the next test too.
    return (probe_router,)


def assert_unauthorized(response: httpx.Response) -> dict[str, Any]:
    body = assert_envelope(response, 401, ErrorType.UNAUTHORIZED)
    # No token: a plain challenge; a bad or dead one: RFC 6750's invalid_token.
    expected = (
        "Bearer"
        if body["message"] == "A bearer token is required."
        else ('Bearer error="invalid_token"')
    )
    assert response.headers["www-authenticate"] == expected
    assert body["data"] is None
    return body


async def test_valid_user_token_passes(running: httpx.AsyncClient, tokens: TokenService) -> None:
    pair = await tokens.issue(Realm.USER, 1, "user")
    body = assert_envelope(
        await running.get("/_auth/user", headers=bearer(pair.access_token)), 200, ErrorType.SUCCESS
    )
    assert body["data"] == {"realm": "user", "account_id": 1, "role": "user"}


async def test_missing_token_is_401(running: httpx.AsyncClient) -> None:
    body = assert_unauthorized(await running.get("/_auth/user"))
    assert body["message"] == "A bearer token is required."


async def test_other_scheme_is_401(running: httpx.AsyncClient) -> None:
    assert_unauthorized(await running.get("/_auth/user", headers={"Authorization": "Basic eDp5"}))


async def test_garbage_token_is_401(running: httpx.AsyncClient) -> None:
    assert_unauthorized(await running.get("/_auth/user", headers=bearer("not.a.jwt")))


async def test_realms_never_cross_with_the_same_id(
    running: httpx.AsyncClient, tokens: TokenService
) -> None:
    user = await tokens.issue(Realm.USER, 1, "user")
    admin = await tokens.issue(Realm.ADMIN, 1, "superadmin")
    assert_unauthorized(await running.get("/_auth/admin", headers=bearer(user.access_token)))
    assert_unauthorized(await running.get("/_auth/user", headers=bearer(admin.access_token)))
    # Each is fine in its own realm.
    assert_envelope(await running.get("/_auth/user", headers=bearer(user.access_token)), 200)
    assert_envelope(await running.get("/_auth/admin", headers=bearer(admin.access_token)), 200)


async def test_realm_claim_swapped_on_a_real_session_is_401(
    running: httpx.AsyncClient, tokens: TokenService, forger: Forger
) -> None:
    # Even a correctly signed admin-realm token is refused if its session is a user's.
    user = await tokens.issue(Realm.USER, 1, "user")
    token = forger.rs256(forger.claims(sid=user.sid, realm="admin"))
    assert_unauthorized(await running.get("/_auth/admin", headers=bearer(token)))


async def test_role_requirement_is_403_for_other_roles(
    running: httpx.AsyncClient, tokens: TokenService
) -> None:
    plain = await tokens.issue(Realm.ADMIN, 7, "moderator")
    response = await running.get("/_auth/superadmin", headers=bearer(plain.access_token))
    body = assert_envelope(response, 403, ErrorType.FORBIDDEN)
    assert body["message"] == "Your role does not allow this action."
    boss = await tokens.issue(Realm.ADMIN, 8, "superadmin")
    assert_envelope(await running.get("/_auth/superadmin", headers=bearer(boss.access_token)), 200)
    # A user token never reaches the role check: it is not an admin at all.
    user = await tokens.issue(Realm.USER, 8, "superadmin")
    assert_unauthorized(await running.get("/_auth/superadmin", headers=bearer(user.access_token)))


async def test_logout_ends_the_session_on_the_next_request(
    running: httpx.AsyncClient, tokens: TokenService
) -> None:
    pair = await tokens.issue(Realm.USER, 1, "user")
    other = await tokens.issue(Realm.USER, 1, "user")
    assert_envelope(await running.post("/_auth/logout", headers=bearer(pair.access_token)), 200)
    body = assert_unauthorized(await running.get("/_auth/user", headers=bearer(pair.access_token)))
    assert body["message"] == "This session has ended; sign in again."
    response = await running.post("/_auth/refresh", json={"refresh_token": pair.refresh_token})
    assert_unauthorized(response)
    # Another device of the same account is not affected.
    assert_envelope(await running.get("/_auth/user", headers=bearer(other.access_token)), 200)


async def test_logout_everywhere_ends_every_session(
    running: httpx.AsyncClient, tokens: TokenService
) -> None:
    sessions = [await tokens.issue(Realm.USER, 1, "user") for _ in range(3)]
    admin_same_id = await tokens.issue(Realm.ADMIN, 1, "superadmin")
    assert await tokens.logout_all(Realm.USER, 1) == 3
    for pair in sessions:
        assert_unauthorized(await running.get("/_auth/user", headers=bearer(pair.access_token)))
    # The admin account with the same number is another account.
    headers = bearer(admin_same_id.access_token)
    assert_envelope(await running.get("/_auth/admin", headers=headers), 200)


async def test_revoked_session_ends_and_others_stay(
    running: httpx.AsyncClient, tokens: TokenService
) -> None:
    kept = await tokens.issue(Realm.USER, 1, "user")
    revoked = await tokens.issue(Realm.USER, 1, "user")
    assert await tokens.sessions.revoke(revoked.sid, realm=Realm.USER, account_id=1)
    assert_unauthorized(await running.get("/_auth/user", headers=bearer(revoked.access_token)))
    assert_envelope(await running.get("/_auth/user", headers=bearer(kept.access_token)), 200)


async def test_ban_style_revocation_keeps_no_session(
    running: httpx.AsyncClient, tokens: TokenService
) -> None:
    # A ban = mark the account (data layer) + this; the token must die on the next request.
    pair = await tokens.issue(Realm.USER, 5, "user")
    await tokens.logout_all(Realm.USER, 5)
    assert_unauthorized(await running.get("/_auth/user", headers=bearer(pair.access_token)))
    response = await running.post("/_auth/refresh", json={"refresh_token": pair.refresh_token})
    assert_unauthorized(response)


async def test_refresh_rotates_and_reuse_revokes_the_session(
    running: httpx.AsyncClient, tokens: TokenService
) -> None:
    first = await tokens.issue(Realm.USER, 1, "user")
    response = await running.post("/_auth/refresh", json={"refresh_token": first.refresh_token})
    second = assert_envelope(response, 200)["data"]
    assert second["refresh_token"] != first.refresh_token
    assert_envelope(await running.get("/_auth/user", headers=bearer(second["access_token"])), 200)

    # The spent token comes back (stolen, or replayed): the whole session ends.
    response = await running.post("/_auth/refresh", json={"refresh_token": first.refresh_token})
    assert_unauthorized(response)
    assert_unauthorized(await running.get("/_auth/user", headers=bearer(second["access_token"])))
    response = await running.post("/_auth/refresh", json={"refresh_token": second["refresh_token"]})
    assert_unauthorized(response)


async def test_concurrent_refreshes_let_at_most_one_through(tokens: TokenService) -> None:
    pair = await tokens.issue(Realm.USER, 1, "user")
    results = await asyncio.gather(
        *(tokens.refresh(pair.refresh_token, Realm.USER, _token_role) for _ in range(100)),
        return_exceptions=True,
    )
    winners = [result for result in results if not isinstance(result, BaseException)]
    assert len(winners) <= 1, len(winners)
    # Reuse detection then ends the session: even the winner's new tokens are dead.
    for winner in winners:
        assert not isinstance(winner, BaseException)
        with pytest.raises(AuthError):
            await tokens.authenticate(winner.access_token, Realm.USER)
    assert all(isinstance(r, AuthError) for r in results if isinstance(r, BaseException))


@pytest.fixture
def redis_server() -> FakeServer:
    return FakeServer()


@pytest.fixture
def app_with_breakable_redis(
    app: FastAPI, running: httpx.AsyncClient, redis_server: FakeServer
) -> FastAPI:
    # Swapped in once the lifespan has opened the backends, so the test owns the server.
    store = RedisStore(
        client=FakeAsyncRedis(server=redis_server, decode_responses=True), prefix="test:"
    )
    resources = resources_of(app)
    attach_resources(app, replace(resources, backends=replace(resources.backends, redis=store)))
    return app


async def test_redis_down_fails_closed_with_503_and_health_stays_up(
    app_with_breakable_redis: FastAPI,
    running: httpx.AsyncClient,
    tokens: TokenService,
    redis_server: FakeServer,
) -> None:
    pair = await tokens.issue(Realm.USER, 1, "user")
    assert_envelope(await running.get("/_auth/user", headers=bearer(pair.access_token)), 200)
    redis_server.connected = False  # every command now raises redis' ConnectionError
    response = await running.get("/_auth/user", headers=bearer(pair.access_token))
    body = assert_envelope(response, 503, ErrorType.SERVICE_UNAVAILABLE)
    assert body["data"] is None
    response = await running.post("/_auth/refresh", json={"refresh_token": pair.refresh_token})
    assert_envelope(response, 503, ErrorType.SERVICE_UNAVAILABLE)
    assert_envelope(await running.get("/health/live"), 200, ErrorType.SUCCESS)
    # A bad token is still a 401: the signature check needs no Redis.
    assert_unauthorized(await running.get("/_auth/user", headers=bearer("x.y.z")))
    redis_server.connected = True
    assert_envelope(await running.get("/_auth/user", headers=bearer(pair.access_token)), 200)


async def test_openapi_documents_both_bearer_schemes(running: httpx.AsyncClient) -> None:
    document = (await running.get("/openapi.json")).json()
    schemes = document["components"]["securitySchemes"]
    assert schemes["UserBearer"]["flows"]["password"]["tokenUrl"] == "/api/v1/auth/login/form"
    assert schemes["AdminBearer"]["flows"]["password"]["tokenUrl"] == (
        "/api/v1/admin/auth/login/form"
    )
    assert document["paths"]["/_auth/user"]["get"]["security"] == [{"UserBearer": []}]


async def test_reuse_is_its_own_error_and_logged_without_the_token(
    tokens: TokenService, caplog: pytest.LogCaptureFixture
) -> None:
    first = await tokens.issue(Realm.USER, 3, "user")
    await tokens.refresh(first.refresh_token, Realm.USER, _token_role)
    with (
        caplog.at_level(logging.WARNING, logger="app.auth"),
        pytest.raises(RefreshTokenReusedError),
    ):
        await tokens.refresh(first.refresh_token, Realm.USER, _token_role)
    assert "session revoked realm=user account_id=3" in caplog.text
    assert first.refresh_token.rsplit(".", 1)[1] not in caplog.text
