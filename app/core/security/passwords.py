"""Password rules and bcrypt hashing through passlib's `CryptContext`, off the event loop."""

import asyncio
import secrets
from typing import Annotated

from passlib.context import CryptContext
from pydantic import AfterValidator

MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_CHARS = 128
# bcrypt reads at most 72 bytes; bcrypt 5 raises on more instead of silently truncating.
MAX_PASSWORD_BYTES = 72


def check_password_rules(password: str) -> str:
    """Return `password` if it meets the length rules, else raise `ValueError` (a 422)."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise ValueError(f"password must have at least {MIN_PASSWORD_CHARS} characters")
    if len(password) > MAX_PASSWORD_CHARS:
        raise ValueError(f"password must have at most {MAX_PASSWORD_CHARS} characters")
    if len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        raise ValueError(f"password must be at most {MAX_PASSWORD_BYTES} bytes in UTF-8")
    return password


# Use in request schemas: `password: NewPassword`; a broken rule is a 422 that echoes nothing.
NewPassword = Annotated[str, AfterValidator(check_password_rules)]


def fits_bcrypt(password: str) -> bool:
    """Whether bcrypt can take `password` at all (at most 72 UTF-8 bytes)."""
    return len(password.encode("utf-8")) <= MAX_PASSWORD_BYTES


class PasswordHasher:
    """Hashes and verifies passwords in a worker thread; unknown accounts cost the same."""

    def __init__(self, rounds: int) -> None:
        self._context = CryptContext(schemes=["bcrypt"], bcrypt__rounds=rounds, deprecated="auto")
        # Verified against when there is no account, so "no such user" takes as long as
        # "wrong password". Built here, synchronously: call `create` from async code.
        self._dummy_hash = self._context.hash(secrets.token_urlsafe(32))

    @classmethod
    async def create(cls, rounds: int) -> "PasswordHasher":
        """Build a hasher without blocking the event loop on the dummy hash."""
        return await asyncio.to_thread(cls, rounds)

    async def hash(self, password: str) -> str:
        """The bcrypt hash of a password that passed `check_password_rules`."""
        if not fits_bcrypt(password):
            raise ValueError("password is longer than bcrypt accepts")
        return await asyncio.to_thread(self._context.hash, password)

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
        matched = bool(await asyncio.to_thread(self._context.verify, candidate, target))
        return matched and usable and password_hash is not None

    def needs_rehash(self, password_hash: str) -> bool:
        """Whether the hash was made with other settings (for example fewer rounds)."""
        return bool(self._context.needs_update(password_hash))
