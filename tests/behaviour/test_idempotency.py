"""`Idempotency-Key` on creating POSTs: retries replay, other bodies are refused, one creation."""

import asyncio

import httpx
from fastapi import FastAPI

from app.api.idempotency import ANSWER_TTL_SECONDS
from app.core.errors import ErrorType
from app.core.i18n import MessageKey, translate
from app.resources import resources_of
from tests.behaviour.domain import API, Accounts, Caller
from tests.envelope import assert_envelope

CATEGORIES = f"{API}/categories"


async def _total(api: httpx.AsyncClient) -> int:
    total: int = assert_envelope(await api.get(CATEGORIES), 200)["data"]["total"]
    return total


async def test_a_retry_replays_the_first_answer_and_creates_nothing_more(
    app: FastAPI, api: httpx.AsyncClient, admin: Caller
) -> None:
    headers = {**admin.headers, "Idempotency-Key": "create-tools-1"}
    body = {"slug": "tools", "name": "Tools"}
    first = await api.post(CATEGORIES, json=body, headers=headers)
    assert_envelope(first, 201)
    retry = await api.post(CATEGORIES, json=body, headers={**headers, "Accept-Language": "ar"})
    assert_envelope(retry, 201)
    assert retry.json()["data"] == first.json()["data"]
    # The first answer, told in the retry's language.
    assert retry.json()["message"] == translate(MessageKey.RESOURCE_CREATED, "ar")
    assert retry.headers["content-language"] == "ar"
    assert retry.headers["location"] == first.headers["location"]
    assert retry.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert await _total(api) == 1
    store = resources_of(app).backends.redis
    keys = [key async for key in store.client.scan_iter(match=store.key("idempotency", "*"))]
    assert len(keys) == 1
    ttl = await store.client.ttl(keys[0])
    assert ANSWER_TTL_SECONDS - 60 < ttl <= ANSWER_TTL_SECONDS


async def test_the_same_key_with_another_body_is_422(api: httpx.AsyncClient, admin: Caller) -> None:
    headers = {**admin.headers, "Idempotency-Key": "k-1", "Accept-Language": "hi"}
    assert_envelope(
        await api.post(CATEGORIES, json={"slug": "a1", "name": "A"}, headers=headers), 201
    )
    other = await api.post(CATEGORIES, json={"slug": "b1", "name": "B"}, headers=headers)
    body = assert_envelope(other, 422, ErrorType.VALIDATION_ERROR)
    assert body["message"] == translate(MessageKey.IDEMPOTENCY_KEY_REUSED, "hi")
    assert body["data"][0]["loc"] == ["header", "Idempotency-Key"]
    assert await _total(api) == 1


async def test_keys_are_scoped_to_their_caller(api: httpx.AsyncClient, accounts: Accounts) -> None:
    first, second = await accounts.admin("root"), await accounts.admin("other")
    body = {"slug": "shared", "name": "Shared"}
    made = await api.post(CATEGORIES, json=body, headers={**first.headers, "Idempotency-Key": "k"})
    assert_envelope(made, 201)
    # Another account with the same key and body is not handed the first one's answer.
    theirs = await api.post(
        CATEGORIES, json=body, headers={**second.headers, "Idempotency-Key": "k"}
    )
    assert_envelope(theirs, 409, ErrorType.CONFLICT)  # really ran: the slug is taken
    assert "idempotent-replayed" not in theirs.headers


async def test_a_failed_first_attempt_is_not_kept(api: httpx.AsyncClient, admin: Caller) -> None:
    headers = {**admin.headers, "Idempotency-Key": "retry-after-fix"}
    bad = await api.post(CATEGORIES, json={"slug": "Not A Slug", "name": "x"}, headers=headers)
    assert_envelope(bad, 422)
    fixed = await api.post(CATEGORIES, json={"slug": "fixed", "name": "Fixed"}, headers=headers)
    assert_envelope(fixed, 201)
    assert "idempotent-replayed" not in fixed.headers


async def test_two_simultaneous_requests_with_one_key_create_once(
    api: httpx.AsyncClient, admin: Caller
) -> None:
    headers = {**admin.headers, "Idempotency-Key": "burst"}
    body = {"slug": "burst", "name": "Burst"}
    answers = await asyncio.gather(
        *(api.post(CATEGORIES, json=body, headers=headers) for _ in range(4))
    )
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses.count(201) >= 1
    assert set(statuses) <= {201, 409}, statuses
    for answer in answers:
        assert_envelope(answer, answer.status_code)
        if answer.status_code == 409:
            assert answer.json()["message"] == translate(MessageKey.IDEMPOTENCY_IN_PROGRESS, "en")
            assert answer.headers["retry-after"] == "1"
    created = [answer for answer in answers if answer.status_code == 201]
    assert len({answer.json()["data"]["created_at"] for answer in created}) == 1
    assert await _total(api) == 1


async def test_a_malformed_key_is_422(api: httpx.AsyncClient, admin: Caller) -> None:
    for key in ("x" * 256, "has space"):
        response = await api.post(
            CATEGORIES,
            json={"slug": "k", "name": "K"},
            headers={**admin.headers, "Idempotency-Key": key},
        )
        body = assert_envelope(response, 422, ErrorType.VALIDATION_ERROR)
        assert body["data"][0]["loc"] == ["header", "Idempotency-Key"]
    assert await _total(api) == 0


async def test_registration_takes_a_key_too(api: httpx.AsyncClient) -> None:
    body = {"username": "idem-user", "email": "idem@example.com", "password": "correct horse 1"}
    headers = {"Idempotency-Key": "signup-1"}
    first = await api.post(f"{API}/auth/register", json=body, headers=headers)
    assert_envelope(first, 201)
    again = await api.post(f"{API}/auth/register", json=body, headers=headers)
    assert_envelope(again, 201)  # not a 409 "taken": the retry gets the first answer
    assert again.json()["data"] == first.json()["data"]
