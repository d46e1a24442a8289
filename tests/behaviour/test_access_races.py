"""Revocation and limits under concurrency: no racing login survives a ban or password change.

On fakes (unit tier) the requests interleave at every await of one event loop; on real
servers (integration tier) PostgreSQL, MariaDB and Redis run them truly concurrently.
"""

import asyncio
from collections.abc import AsyncIterator, Awaitable

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from app.core.errors import ErrorType
from app.resources import resources_of
from app.settings import AuthSettings, DatabaseSettings
from tests.behaviour.accounts import PASSWORD, Accounts, bearer, change_password, unique
from tests.envelope import assert_envelope

RACERS = 20
STAGGER = 0.01  # seconds between racers
USERNAME_LIMIT = 10


def _auth_settings(signing_pem: str, per_username: str, **more: int) -> AuthSettings:
    # The address budget is out of the way: every request comes from one test client.
    defaults = AuthSettings(
        jwt_private_key=SecretStr(signing_pem),
        bcrypt_rounds=4,
        login_rate_limit_per_address="100000/minute",
        login_rate_limit_per_username=per_username,
    )
    return defaults.model_copy(update=more)


@pytest.fixture
def auth_settings(signing_pem: str) -> AuthSettings:
    """Limits high enough for 20 concurrent correct logins (each reserves an attempt).

    bcrypt at cost 8 (about 15 ms a hash): the racing logins are still hashing, after
    reading the account row, when the ban or password change commits: the window a
    stale read opens.
    """
    return _auth_settings(
        signing_pem, "100000/minute", bcrypt_rounds=8, max_sessions_per_account=100
    )


async def _login(api: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    return await api.post("/api/v1/auth/login", json={"username": username, "password": password})


async def _usable(api: httpx.AsyncClient, access: str, refresh: str) -> list[str]:
    """What still works with this pair: `me` with the access token, a refresh."""
    usable = []
    if (await api.get("/api/v1/users/me", headers=bearer(access))).status_code == 200:
        usable.append("access")
    refreshed = await api.post("/api/v1/auth/refresh", json={"refresh_token": refresh})
    if refreshed.status_code == 200:
        usable.append("refresh")
    return usable


async def _race_logins_and_refreshes(
    api: httpx.AsyncClient, username: str, password: str, refresh_tokens: list[str]
) -> list[tuple[str, str]]:
    """Every pair handed out by `RACERS` logins and refreshes running at once."""

    async def staggered(delay: float, call: Awaitable[httpx.Response]) -> httpx.Response:
        await asyncio.sleep(delay)
        return await call

    # Spread over the change's own time (its bcrypt and commit), so some read the row
    # before it commits and open their session after it has revoked the others.
    logins = [staggered(i * STAGGER, _login(api, username, password)) for i in range(RACERS)]
    refreshes = [
        staggered(i * STAGGER, api.post("/api/v1/auth/refresh", json={"refresh_token": token}))
        for i, token in enumerate(refresh_tokens)
    ]
    pairs = []
    for response in await asyncio.gather(*logins, *refreshes):
        assert response.status_code in (200, 401, 403), response.text
        if response.status_code == 200:
            data = response.json()["data"]
            pairs.append((data["access_token"], data["refresh_token"]))
    return pairs


async def test_no_session_opened_around_a_ban_survives_it(
    api: httpx.AsyncClient, auth_accounts: Accounts
) -> None:
    """20 logins and 20 refreshes race a ban; after ban and unban, none of their pairs works."""
    admin = await auth_accounts.admin()
    user = await auth_accounts.user()
    others = [await auth_accounts.login(user.username) for _ in range(RACERS)]

    async def ban() -> None:
        # Let the racers get going first, so the ban lands in the middle of them.
        await asyncio.sleep(0)
        response = await api.post(
            f"/api/v1/admin/users/{user.account_id}/ban", headers=admin.headers
        )
        assert_envelope(response, 200)

    raced, _ = await asyncio.gather(
        _race_logins_and_refreshes(api, user.username, PASSWORD, [s.refresh for s in others]),
        ban(),
    )
    # Unbanned, the account could sign in again: only the revocation keeps the old pairs dead.
    unban = f"/api/v1/admin/users/{user.account_id}/unban"
    assert_envelope(await api.post(unban, headers=admin.headers), 200)
    pre_ban = [(s.access, s.refresh) for s in (user, *others)]
    survivors = [pair for pair in (*pre_ban, *raced) if await _usable(api, *pair)]
    assert survivors == [], f"{len(survivors)} of {len(pre_ban) + len(raced)} pairs survived"
    # The account itself is fine again: a new login works.
    assert_envelope(await _login(api, user.username, PASSWORD), 200)


async def test_no_session_opened_with_the_old_password_survives_its_change(
    api: httpx.AsyncClient, auth_accounts: Accounts
) -> None:
    """20 logins with the old password and 20 refreshes race a password change."""
    user = await auth_accounts.user()
    others = [await auth_accounts.login(user.username) for _ in range(RACERS)]
    new_password = "a brand new passphrase"

    async def change() -> None:
        await asyncio.sleep(0)
        assert_envelope(await change_password(api, user, PASSWORD, new_password), 200)

    raced, _ = await asyncio.gather(
        _race_logins_and_refreshes(api, user.username, PASSWORD, [s.refresh for s in others]),
        change(),
    )
    old = [(s.access, s.refresh) for s in others]
    survivors = [pair for pair in (*old, *raced) if await _usable(api, *pair)]
    assert survivors == [], f"{len(survivors)} of {len(old) + len(raced)} pairs survived"
    # The session that made the change stays; the new password signs in.
    assert_envelope(await api.get("/api/v1/users/me", headers=user.headers), 200)
    assert_envelope(await _login(api, user.username, new_password), 200)


class TestLimiter:
    """The username budget: 10 failures."""

    @pytest.fixture
    def auth_settings(self, signing_pem: str) -> AuthSettings:
        """A username budget of 10."""
        return _auth_settings(signing_pem, f"{USERNAME_LIMIT}/15 minutes")

    async def test_a_burst_of_wrong_passwords_checks_at_most_the_limit(
        self, api: httpx.AsyncClient, auth_accounts: Accounts
    ) -> None:
        """60 concurrent wrong passwords for one username: at most 10 reach bcrypt (401)."""
        user = await auth_accounts.user()
        answers = await asyncio.gather(
            *(_login(api, user.username, "wrong-password") for _ in range(60))
        )
        statuses = [response.status_code for response in answers]
        assert set(statuses) <= {401, 429}, statuses
        assert statuses.count(401) <= USERNAME_LIMIT, f"{statuses.count(401)} passwords checked"
        refused = next(response for response in answers if response.status_code == 429)
        assert int(refused.headers["retry-after"]) >= 1


async def test_fifty_concurrent_refreshes_of_one_token_are_one_success_and_401s(
    api: httpx.AsyncClient, auth_accounts: Accounts
) -> None:
    """Never a 503: the losers of the race are told the token is spent."""
    user = await auth_accounts.user()
    answers = await asyncio.gather(
        *(api.post("/api/v1/auth/refresh", json={"refresh_token": user.refresh}) for _ in range(50))
    )
    statuses = sorted(response.status_code for response in answers)
    assert statuses.count(200) <= 1, statuses
    assert set(statuses) <= {200, 401}, statuses


class TestBusyBackends:
    """Every "busy" condition is a 503 envelope, never a 500 or an unbounded wait."""

    @pytest.fixture
    def database_settings(self, database_settings: DatabaseSettings) -> DatabaseSettings:
        """One pooled connection per role and a short wait for it."""
        return database_settings.model_copy(
            update={"pool_size": 1, "max_overflow": 0, "pool_timeout_seconds": 0.3}
        )

    @pytest.fixture
    async def held(self, app: FastAPI, api: httpx.AsyncClient) -> AsyncIterator[None]:
        """The only connection of the users' pool, held by someone else."""
        database = resources_of(app).backends.postgres
        async with database.engine.connect() as connection:
            await connection.exec_driver_sql("SELECT 1")
            yield

    async def test_a_pool_timeout_is_503(self, api: httpx.AsyncClient, held: None) -> None:
        """`QueuePool limit ... reached` is a busy backend: 503, not 500."""
        response = await api.get("/api/v1/categories")
        assert_envelope(response, 503, ErrorType.SERVICE_UNAVAILABLE)


class TestBcryptQueue:
    """A full bcrypt queue sheds logins with 503 + Retry-After instead of queueing them all."""

    @pytest.fixture
    def auth_settings(self, signing_pem: str) -> AuthSettings:
        """Room for one bcrypt job at a time."""
        return _auth_settings(signing_pem, "100000/minute", bcrypt_queue_limit=1)

    async def test_a_full_queue_is_503_with_retry_after(
        self, api: httpx.AsyncClient, auth_accounts: Accounts
    ) -> None:
        """Of 10 concurrent logins, those that find the queue full are told to come back."""
        username = unique("user")
        await auth_accounts.register(username)
        answers = await asyncio.gather(*(_login(api, username, PASSWORD) for _ in range(10)))
        statuses = [response.status_code for response in answers]
        assert set(statuses) <= {200, 503}, statuses
        assert 200 in statuses, statuses
        shed = [response for response in answers if response.status_code == 503]
        assert shed, statuses
        for response in shed:
            assert_envelope(response, 503, ErrorType.SERVICE_UNAVAILABLE)
            assert int(response.headers["retry-after"]) >= 1


class TestSessionCap:
    """An account holds a bounded number of live sessions; a new login ends the oldest."""

    @pytest.fixture
    def auth_settings(self, signing_pem: str) -> AuthSettings:
        """Three live sessions per account."""
        return _auth_settings(signing_pem, "100000/minute", max_sessions_per_account=3)

    async def test_the_oldest_sessions_end(
        self, api: httpx.AsyncClient, auth_accounts: Accounts
    ) -> None:
        """Five logins: the first two sessions are over, the last three work."""
        user = await auth_accounts.user()
        later = [await auth_accounts.login(user.username) for _ in range(4)]
        sessions = [user, *later]
        statuses = [
            (await api.get("/api/v1/users/me", headers=s.headers)).status_code for s in sessions
        ]
        assert statuses == [401, 401, 200, 200, 200], statuses
