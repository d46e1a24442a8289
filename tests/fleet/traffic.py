"""Bounded mixed traffic through the fleet's front door, every request recorded."""

import asyncio
import itertools
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

PASSWORD = "correct horse battery"
REQUEST_SECONDS = 20


@dataclass(frozen=True)
class Call:
    """One request as the client saw it."""

    user: str
    method: str
    route: str
    started: float
    ended: float
    status: int  # 0: no HTTP answer at all (a transport error)
    upstream: str

    def overlaps(self, start: float, end: float) -> bool:
        """Whether the request was open at any moment of [start, end]."""
        return self.started <= end and self.ended >= start


@dataclass
class Log:
    """Every call and every broken promise (a lost session, a revived one, a wrong answer)."""

    calls: list[Call] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)


_addresses = (f"127.1.{a}.{b}" for a, b in itertools.product(range(1, 255), range(1, 255)))


def next_address() -> str:
    """A loopback source address no earlier client used (the limiter counts per address)."""
    return next(_addresses)


class Client:
    """One simulated user: requests from its own loopback address, each one logged."""

    def __init__(self, name: str, base_url: str, log: Log, address: str) -> None:
        self.name = name
        self.log = log
        # A connection per request: when nginx reloads (taking an instance out of rotation),
        # its old workers close idle keep-alive connections, and a request sent on one at that
        # instant is reset before nginx reads it. That is the client's keep-alive race (RFC 9112
        # §9.3.1: only idempotent requests may be retried), not something the app could answer.
        transport = httpx.AsyncHTTPTransport(
            local_address=address, limits=httpx.Limits(max_keepalive_connections=0)
        )
        self.http = httpx.AsyncClient(
            base_url=base_url, transport=transport, timeout=REQUEST_SECONDS
        )

    async def call(
        self, method: str, route: str, path: str, token: str | None = None, **kwargs: Any
    ) -> tuple[int, dict[str, Any]]:
        """Send one request; the status (0 if no answer) and the JSON body (or {})."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        started = time.monotonic()
        status, body, upstream = 0, {}, ""
        try:
            response = await self.http.request(method, path, headers=headers, **kwargs)
            status, upstream = response.status_code, response.headers.get("x-upstream", "")
            if response.headers.get("content-type", "").startswith("application/json"):
                body = response.json()
        except httpx.TransportError:
            pass
        self.log.calls.append(
            Call(self.name, method, route, started, time.monotonic(), status, upstream)
        )
        return status, body

    def expect(self, what: str, status: int, allowed: tuple[int, ...]) -> bool:
        """Record a violation unless `status` is allowed or a 5xx/transport loss (judged later)."""
        if status in allowed:
            return True
        if status >= 500 or status == 0:
            return False  # counted by the run's 5xx rules, not a broken promise
        self.log.violations.append(f"{self.name}: {what} answered {status}")
        return False

    async def close(self) -> None:
        """Release its connections."""
        await self.http.aclose()


async def user_cycle(client: Client) -> None:
    """Register, sign in, read, refresh, read, sign out, and check the token is dead."""
    username = f"fleet{secrets.token_hex(5)}"
    status, _ = await client.call(
        "POST",
        "register",
        "/api/v1/auth/register",
        json={"username": username, "email": f"{username}@example.com", "password": PASSWORD},
    )
    if not client.expect("register", status, (201,)):
        return
    status, body = await client.call(
        "POST", "login", "/api/v1/auth/login", json={"username": username, "password": PASSWORD}
    )
    if not client.expect("login", status, (200,)):
        return
    access, refresh = body["data"]["access_token"], body["data"]["refresh_token"]
    for _ in range(3):
        # Each read may land on any instance: a session is the fleet's, not one process's.
        status, _ = await client.call("GET", "users/me", "/api/v1/users/me", access)
        client.expect("users/me after login", status, (200,))
    status, body = await client.call(
        "POST", "refresh", "/api/v1/auth/refresh", json={"refresh_token": refresh}
    )
    if not client.expect("refresh", status, (200,)):
        return
    access = body["data"]["access_token"]
    status, _ = await client.call("GET", "users/me", "/api/v1/users/me", access)
    client.expect("users/me after refresh", status, (200,))
    status, _ = await client.call("POST", "logout", "/api/v1/auth/logout", token=access)
    if not client.expect("logout", status, (200,)):
        return
    for _ in range(2):
        status, _ = await client.call("GET", "users/me", "/api/v1/users/me", access)
        client.expect("users/me after logout", status, (401,))


async def admin_cycle(client: Client, username: str, password: str) -> None:
    """An administrator writes a category and reads it back (PostgreSQL, shared by all)."""
    status, body = await client.call(
        "POST",
        "admin login",
        "/api/v1/admin/auth/login",
        json={"username": username, "password": password},
    )
    if not client.expect("admin login", status, (200,)):
        return
    access = body["data"]["access_token"]
    for _ in range(3):
        slug = f"fleet-{secrets.token_hex(5)}"
        status, _ = await client.call(
            "POST",
            "categories",
            "/api/v1/categories",
            access,
            json={"slug": slug, "name": f"Fleet {slug}"},
        )
        if client.expect("create category", status, (201,)):
            status, _ = await client.call("GET", "categories/{slug}", f"/api/v1/categories/{slug}")
            client.expect("read category", status, (200,))
    status, _ = await client.call("POST", "admin logout", "/api/v1/admin/auth/logout", access)
    client.expect("admin logout", status, (200,))


async def drive(
    base_url: str,
    log: Log,
    seconds: float,
    users: int,
    admin: tuple[str, str] | None,
    events: Callable[[], Any],
) -> None:
    """Run `users` user loops (and one admin loop) for `seconds`, with `events` alongside."""
    deadline = time.monotonic() + seconds

    async def loop(name: str, cycle: Callable[[Client], Any]) -> None:
        while time.monotonic() < deadline:
            # A fresh source address per cycle: the per-address login budget never binds.
            client = Client(name, base_url, log, next_address())
            try:
                await cycle(client)
            finally:
                await client.close()

    loops = [loop(f"user{n}", user_cycle) for n in range(users)]
    if admin is not None:
        name, password = admin
        loops.append(loop("admin", lambda client: admin_cycle(client, name, password)))
    await asyncio.gather(*loops, asyncio.to_thread(events))
