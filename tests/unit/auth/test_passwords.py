"""Password rules (422, never 500) and bcrypt hashing off the event loop."""

import asyncio
import os
import sys
import threading
from typing import Any

import httpx
import pytest
from fastapi import APIRouter
from pydantic import BaseModel

from app.core.envelope import Envelope, error_responses, success
from app.core.errors import ErrorType
from app.core.routing import EnvelopeRoute
from app.core.security.passwords import (
    HASHING_NICENESS,
    NewPassword,
    PasswordHasher,
    check_password_rules,
    hashing_workers,
)
from app.depends import Lang, Passwords
from tests.envelope import assert_envelope


class Registration(BaseModel):
    username: str
    password: NewPassword


probe_router = APIRouter(prefix="/_pw", route_class=EnvelopeRoute)


@probe_router.post("/register", responses=error_responses())
async def register(body: Registration, hasher: Passwords, lang: Lang) -> Envelope[bool]:
    """Hash the password as the real registration will."""
    digest = await hasher.hash(body.password)
    return success(await hasher.verify(body.password, digest), lang)


@pytest.fixture
def probe_routers() -> tuple[APIRouter, ...]:
    # Built into the app rather than added to it, so the app can serve the next test too.
    return (probe_router,)


# 73 bytes in 25 characters: within the character limit, over bcrypt's byte limit.
SEVENTY_THREE_BYTES = "é" * 36 + "x"


async def test_73_byte_password_is_422_without_echo(client: httpx.AsyncClient) -> None:
    assert len(SEVENTY_THREE_BYTES.encode("utf-8")) == 73
    response = await client.post(
        "/_pw/register", json={"username": "a", "password": SEVENTY_THREE_BYTES}
    )
    body = assert_envelope(response, 422, ErrorType.VALIDATION_ERROR)
    assert body["data"][0]["loc"] == ["body", "password"]
    assert "72 bytes" in body["data"][0]["msg"]
    assert SEVENTY_THREE_BYTES not in response.text


async def test_72_byte_password_is_accepted(client: httpx.AsyncClient) -> None:
    password = "é" * 36  # 72 bytes
    response = await client.post("/_pw/register", json={"username": "a", "password": password})
    body = assert_envelope(response, 200, ErrorType.SUCCESS)
    assert body["data"] is True


@pytest.mark.parametrize("password", ["short", "x" * 129])
async def test_length_in_characters_is_422(client: httpx.AsyncClient, password: str) -> None:
    response = await client.post("/_pw/register", json={"username": "a", "password": password})
    assert_envelope(response, 422, ErrorType.VALIDATION_ERROR)


def test_rules_count_characters_not_bytes() -> None:
    assert check_password_rules("ééééééé1") == "ééééééé1"  # 8 characters, 15 bytes
    with pytest.raises(ValueError, match="at least 8"):
        check_password_rules("ééééééé")


class _ThreadRecordingContext:
    """Wraps the CryptContext and notes which thread each bcrypt call ran on."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.calls: list[tuple[str, Any, int]] = []

    def hash(self, secret: str) -> Any:
        self.calls.append(("hash", None, threading.get_ident()))
        return self.inner.hash(secret)

    def verify(self, secret: str, digest: str) -> Any:
        self.calls.append(("verify", digest, threading.get_ident()))
        return self.inner.verify(secret, digest)


@pytest.fixture
async def recorded() -> tuple[PasswordHasher, _ThreadRecordingContext]:
    hasher = await PasswordHasher.create(rounds=4)
    spy = _ThreadRecordingContext(hasher._context)
    hasher._context = spy
    return hasher, spy


async def test_hashing_and_verifying_run_off_the_event_loop(
    recorded: tuple[PasswordHasher, _ThreadRecordingContext],
) -> None:
    hasher, spy = recorded
    digest = await hasher.hash("correct horse")
    assert await hasher.verify("correct horse", digest)
    assert not await hasher.verify("wrong horse!", digest)
    loop_thread = threading.get_ident()
    assert [name for name, _, _ in spy.calls] == ["hash", "verify", "verify"]
    assert all(thread != loop_thread for _, _, thread in spy.calls)


async def test_unknown_account_runs_a_real_verify(
    recorded: tuple[PasswordHasher, _ThreadRecordingContext],
) -> None:
    hasher, spy = recorded
    # No account: the same bcrypt work happens, against the dummy hash, and it never matches.
    assert not await hasher.verify("whatever-password", None)
    assert len(spy.calls) == 1
    name, digest, _ = spy.calls[0]
    assert name == "verify"
    assert digest is not None
    assert digest.startswith("$2b$04$")


async def test_overlong_password_at_login_costs_a_verify_and_fails(
    recorded: tuple[PasswordHasher, _ThreadRecordingContext],
) -> None:
    hasher, spy = recorded
    digest = await hasher.hash("x" * 72)
    # bcrypt would only look at 72 bytes; a 73rd must not let "x"*72 + anything log in.
    assert not await hasher.verify("x" * 72 + "y", digest)
    assert [name for name, _, _ in spy.calls] == ["hash", "verify"]


async def test_hash_refuses_what_bcrypt_cannot_take() -> None:
    hasher = await PasswordHasher.create(rounds=4)
    with pytest.raises(ValueError, match="longer than bcrypt"):
        await hasher.hash("x" * 73)


async def test_rounds_are_configurable_and_rehash_is_detected() -> None:
    cheap = await PasswordHasher.create(rounds=4)
    digest = await cheap.hash("correct horse")
    assert digest.startswith("$2b$04$")
    stronger = await PasswordHasher.create(rounds=5)
    assert stronger.needs_rehash(digest)
    assert not cheap.needs_rehash(digest)


async def test_hashing_runs_in_its_own_capped_pool() -> None:
    # bcrypt on every core starved the event loop under a burst of logins: the hasher keeps
    # its own pool, smaller than the machine, and the loop's thread never hashes.
    hasher = PasswordHasher(4, workers=1)
    seen: list[str] = []
    original = hasher._context.hash

    def recording_hash(secret: str) -> str:
        seen.append(threading.current_thread().name)
        return str(original(secret))

    hasher._context.hash = recording_hash
    try:
        await asyncio.gather(*(hasher.hash("correct horse 1") for _ in range(3)))
    finally:
        hasher.close()
    assert len(seen) == 3
    assert {name.rsplit("_", 1)[0] for name in seen} == {"bcrypt"}
    assert threading.current_thread().name not in seen
    assert hashing_workers() >= 1


@pytest.mark.skipif(sys.platform != "linux", reason="per-thread priorities are Linux's")
async def test_hashing_threads_yield_the_core_to_the_event_loop() -> None:
    hasher = PasswordHasher(4, workers=1)

    def niceness() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    loop_niceness = niceness()
    try:
        worker_niceness = await asyncio.get_running_loop().run_in_executor(hasher._pool, niceness)
    finally:
        hasher.close()
    # The loop's own thread keeps its priority; the worker runs below it (a process already
    # niced past HASHING_NICENESS, where lowering is refused, keeps its own value).
    assert niceness() == loop_niceness
    assert worker_niceness == max(HASHING_NICENESS, loop_niceness)
