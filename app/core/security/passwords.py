"""Password rules and bcrypt hashing through passlib's `CryptContext`, off the event loop."""

import asyncio
import os
import secrets
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Annotated, TypeVar

from passlib.context import CryptContext
from pydantic import AfterValidator, Field

from app.core.errors import ServiceUnavailableError
from app.core.i18n.issues import RuleViolationError
from app.core.metrics import BCRYPT_QUEUE_DEPTH, bcrypt_wait_timed
from app.core.openapi_rules import MAX_UTF8_BYTES_KEY, NUL_FREE_PATTERN

T = TypeVar("T")

MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_CHARS = 128
# bcrypt reads at most 72 bytes; bcrypt 5 raises on more instead of silently truncating.
MAX_PASSWORD_BYTES = 72
# What a refused hash tells the client: a queue of bcrypt work drains in about a second.
BUSY_RETRY_AFTER_SECONDS = 1


def check_password_rules(password: str) -> str:
    """Return `password` if it meets the length rules, else raise `ValueError` (a 422)."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise RuleViolationError(
            "password_too_short",
            f"password must have at least {MIN_PASSWORD_CHARS} characters",
            min_length=MIN_PASSWORD_CHARS,
        )
    if len(password) > MAX_PASSWORD_CHARS:
        raise RuleViolationError(
            "password_too_long",
            f"password must have at most {MAX_PASSWORD_CHARS} characters",
            max_length=MAX_PASSWORD_CHARS,
        )
    if len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        raise RuleViolationError(
            "password_too_many_bytes",
            f"password must be at most {MAX_PASSWORD_BYTES} bytes in UTF-8",
            limit=MAX_PASSWORD_BYTES,
        )
    # bcrypt refuses NUL bytes outright; the routes refuse NUL text earlier, the CLI here.
    if "\x00" in password:
        raise RuleViolationError(
            "nul_character", "password must not contain the NUL character (U+0000)"
        )
    return password


# Use in request schemas: `password: NewPassword`; a broken rule is a 422 that echoes nothing.
NewPassword = Annotated[
    str,
    AfterValidator(check_password_rules),
    # The rules above as far as JSON Schema can say them: at most 72 bytes means at most 72
    # characters; the byte limit itself has no keyword, so `x-max-utf8-bytes` names it.
    Field(
        description=(
            f"{MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters, at most "
            f"{MAX_PASSWORD_BYTES} bytes in UTF-8, no NUL."
        ),
        json_schema_extra={
            "minLength": MIN_PASSWORD_CHARS,
            "maxLength": min(MAX_PASSWORD_CHARS, MAX_PASSWORD_BYTES),
            "pattern": NUL_FREE_PATTERN,
            MAX_UTF8_BYTES_KEY: MAX_PASSWORD_BYTES,
        },
    ),
]


def fits_bcrypt(password: str) -> bool:
    """Whether bcrypt can take `password` at all (at most 72 UTF-8 bytes)."""
    return len(password.encode("utf-8")) <= MAX_PASSWORD_BYTES


# Niceness of the bcrypt threads: when one of them and the event loop both want a core, the
# loop gets it (Linux weighs a thread at nice 10 about a tenth of one at 0).
HASHING_NICENESS = 10


def yield_to_the_event_loop() -> None:
    """Lower the calling thread's priority below the event loop's (Linux: per thread)."""
    # Elsewhere `setpriority` would lower the whole process, event loop included.
    if sys.platform != "linux":
        return
    thread = threading.get_native_id()
    try:
        # Never raised: a process already niced past it keeps its own value.
        if os.getpriority(os.PRIO_PROCESS, thread) < HASHING_NICENESS:
            os.setpriority(os.PRIO_PROCESS, thread, HASHING_NICENESS)
    except OSError:
        pass  # a sandbox that forbids it: the threads run at the loop's priority


def hashing_workers() -> int:
    """Threads for bcrypt: every core but one, which stays free for the event loop."""
    return max(1, (os.cpu_count() or 2) - 1)


class PasswordHasher:
    """Hashes and verifies passwords in worker threads; unknown accounts cost the same."""

    def __init__(self, rounds: int, workers: int | None = None, queue_limit: int = 64) -> None:
        # Hashes running or waiting; past `queue_limit` more are refused with a 503 at once:
        # an unbounded queue made every login wait behind a burst (and hold its resources).
        self._pending = 0
        self._queue_limit = queue_limit
        self._context = CryptContext(schemes=["bcrypt"], bcrypt__rounds=rounds, deprecated="auto")
        # A pool of its own, smaller than the core count: with asyncio's default pool, a burst
        # of logins ran bcrypt on every core and starved the event loop (nox -s bench measured
        # /health/live p99 at 9.5x its idle value during 16 concurrent logins).
        # Its threads also yield the core to the event loop (on a 2-core machine shared with
        # the load generator, /health/live p99 still reached 3.5x idle without that).
        self._pool = ThreadPoolExecutor(
            max_workers=workers or hashing_workers(),
            thread_name_prefix="bcrypt",
            initializer=yield_to_the_event_loop,
        )
        # Verified against when there is no account, so "no such user" takes as long as
        # "wrong password". Built here, synchronously: call `create` from async code.
        self._dummy_hash = self._context.hash(secrets.token_urlsafe(32))

    @classmethod
    async def create(cls, rounds: int, queue_limit: int = 64) -> "PasswordHasher":
        """Build a hasher without blocking the event loop on the dummy hash."""
        return await asyncio.to_thread(cls, rounds, None, queue_limit)

    def close(self) -> None:
        """Stop the worker threads once running hashes finish (called at shutdown)."""
        self._pool.shutdown(wait=False, cancel_futures=True)

    async def _run(self, work: Callable[..., T], *args: str) -> T:
        if self._pending >= self._queue_limit:
            raise ServiceUnavailableError(headers={"Retry-After": str(BUSY_RETRY_AFTER_SECONDS)})
        self._pending += 1
        try:
            with BCRYPT_QUEUE_DEPTH.track_inprogress():  # metrics: hashes queued or running
                loop = asyncio.get_running_loop()
                return await loop.run_in_executor(self._pool, bcrypt_wait_timed(work), *args)
        finally:
            self._pending -= 1

    async def hash(self, password: str) -> str:
        """The bcrypt hash of a password that passed `check_password_rules`."""
        if not fits_bcrypt(password):
            raise ValueError("password is longer than bcrypt accepts")
        hashed: str = await self._run(self._context.hash, password)
        return hashed

    async def verify(self, password: str, password_hash: str | None) -> bool:
        """Whether `password` matches; `None` (no such account) runs a dummy check, then False."""
        usable = fits_bcrypt(password)
        target = password_hash if password_hash is not None and usable else self._dummy_hash
        # Too long to ever match: still pay for one bcrypt round so timing tells nothing.
        candidate = (
            password
            if usable
            else password.encode("utf-8")[:MAX_PASSWORD_BYTES].decode("utf-8", "ignore")
        )
        matched = bool(await self._run(self._context.verify, candidate, target))
        return matched and usable and password_hash is not None

    def needs_rehash(self, password_hash: str) -> bool:
        """Whether the hash was made with other settings (for example fewer rounds)."""
        return bool(self._context.needs_update(password_hash))
