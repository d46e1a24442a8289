"""Races on real servers: one account per username, one successor per refresh token."""

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Awaitable

import httpx
import pytest
from fastapi import FastAPI

from app.core.errors import ErrorType
from tests.behaviour.accounts import PASSWORD, Accounts, unique
from tests.behaviour.domain import clean_app_stores
from tests.envelope import assert_envelope

RACERS = 100
# Generous for 100 bcrypt-4 hashes through a 10-connection pool on a loaded machine.
RACE_SECONDS = 60


@pytest.fixture
async def served(app: FastAPI, client: httpx.AsyncClient) -> AsyncIterator[httpx.AsyncClient]:
    """The running app's client; the Redis sessions it opened go after the test."""
    yield client
    await clean_app_stores(app)


async def race(*calls: Awaitable[httpx.Response]) -> list[httpx.Response]:
    """Run the requests at once (bounded in time) and return their responses."""
    return await asyncio.wait_for(asyncio.gather(*calls), RACE_SECONDS)


def register(client: httpx.AsyncClient, username: str, index: int) -> Awaitable[httpx.Response]:
    body = {"username": username, "email": f"racer{index}@example.com", "password": PASSWORD}
    return client.post("/api/v1/auth/register", json=body)


def statuses(responses: list[httpx.Response]) -> Counter[int]:
    return Counter(response.status_code for response in responses)


async def test_same_username_registered_at_once_makes_one_account(
    served: httpx.AsyncClient,
) -> None:
    name = unique("racer")
    responses = await race(*(register(served, name, index) for index in range(RACERS)))
    assert statuses(responses) == {201: 1, 409: RACERS - 1}
    for response in responses:
        if response.status_code == 409:
            assert_envelope(response, 409, ErrorType.CONFLICT)


async def test_one_name_in_many_letter_cases_registered_at_once_makes_one_account(
    served: httpx.AsyncClient,
) -> None:
    # The service treats "Ann" and "ann" as one username; the race must not split them.
    base = unique("racer")
    variants = [
        "".join(c.upper() if (index >> bit) & 1 else c for bit, c in enumerate(base))
        for index in range(RACERS)
    ]
    responses = await race(*(register(served, name, i) for i, name in enumerate(variants)))
    assert statuses(responses) == {201: 1, 409: RACERS - 1}


async def test_one_refresh_token_spent_at_once_succeeds_at_most_once(
    app: FastAPI, served: httpx.AsyncClient
) -> None:
    accounts = Accounts(served, app)
    session = await accounts.user()
    body = {"refresh_token": session.refresh}
    responses = await race(*(served.post("/api/v1/auth/refresh", json=body) for _ in range(RACERS)))
    counted = statuses(responses)
    assert counted[200] <= 1, counted
    # Losers are refused: 401 (spent token, session revoked) or, while a hundred transactions
    # fight over one key, 503 once the store gives up retrying (it refuses rather than spin).
    refused = {401: ErrorType.UNAUTHORIZED, 503: ErrorType.SERVICE_UNAVAILABLE}
    for response in responses:
        if response.status_code != 200:
            assert_envelope(response, response.status_code, refused[response.status_code])
    # Whoever won, the session is over now: the spent token revoked it.
    again = await served.post("/api/v1/auth/refresh", json=body)
    assert_envelope(again, 401, ErrorType.UNAUTHORIZED)
