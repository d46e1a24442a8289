"""Two app processes on one Redis and one PostgreSQL: a session is the fleet's, not a process's.

Each process is a real uvicorn on its own loopback port, started with the same signing key
(a PEM file) and this run's throwaway databases and Redis prefix.
"""

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from app.core.errors import ErrorType
from tests.behaviour.accounts import PASSWORD, bearer, unique
from tests.envelope import assert_envelope
from tests.harness.backends import SPECS, Backend, sql_metadata

STARTUP_SECONDS = 30
STOP_SECONDS = 10
REQUEST_SECONDS = 15


@dataclass
class AppProcess:
    """One uvicorn process serving the app on a loopback port."""

    name: str
    process: "subprocess.Popen[bytes]"
    port: int
    log: Path

    @property
    def url(self) -> str:
        """Where it answers."""
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        """What it logged (shown when it fails to start)."""
        return self.log.read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        """Terminate it; kill it if it will not go within a few seconds."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(STOP_SECONDS)


def start(name: str, env: dict[str, str], workdir: Path) -> AppProcess:
    """Start uvicorn on a socket bound here (no free-port race), handed over by descriptor."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    log = workdir / f"{name}.log"
    command = [sys.executable, "-m", "uvicorn", "app.main:app", "--fd", str(listener.fileno())]
    command += ["--no-access-log", "--log-level", "warning"]
    with log.open("wb") as sink:
        # The working directory is empty: no developer `.env` can leak into these settings.
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            command,
            env=env,
            cwd=workdir,
            stdout=sink,
            stderr=subprocess.STDOUT,
            pass_fds=[listener.fileno()],
        )
    listener.close()
    return AppProcess(name, process, port, log)


def wait_until_live(app: AppProcess) -> None:
    """Poll `/health/live` until it answers, the process dies, or the time is up."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if app.process.poll() is not None:
            pytest.fail(f"{app.name} exited with {app.process.returncode}:\n{app.output()}")
        try:
            if httpx.get(f"{app.url}/health/live", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(f"{app.name} did not answer within {STARTUP_SECONDS}s:\n{app.output()}")


@pytest.fixture
def fleet(
    run_backends: dict[str, Backend],
    run_name: str,
    signing_pem: str,
    tmp_path: Path,
) -> Iterator[tuple[AppProcess, AppProcess]]:
    """Two app processes sharing this run's servers and one signing key; always stopped."""
    # The SQL roles and Redis must be shared; a backend without a server is embedded by each
    # process (MongoDB here: nothing in these tests reads products).
    for role in (*sql_metadata(), "redis"):
        run_backends[role].require()
    key_file = tmp_path / "signing.pem"
    key_file.write_text(signing_pem)
    key_file.chmod(0o600)
    env = {
        **os.environ,
        **{
            f"{name.upper()}_URL": backend.url or SPECS[name].embedded(tmp_path)
            for name, backend in run_backends.items()
        },
        "ENVIRONMENT": "test",
        "REDIS_KEY_PREFIX": f"{run_name}:",
        # fusion:mongo begin
        "MONGO_DATABASE": run_name,
        # fusion:mongo end
        "JWT_PRIVATE_KEY_FILE": str(key_file),
        "BCRYPT_ROUNDS": "4",
        "POOL_SIZE": "2",
        "MAX_OVERFLOW": "2",
    }
    apps: list[AppProcess] = []
    try:
        for name in ("first", "second"):
            apps.append(start(name, env, tmp_path))
        for app in apps:
            wait_until_live(app)
        yield apps[0], apps[1]
    finally:
        for app in apps:
            app.stop()
        asyncio.run(_clean(run_backends, run_name))


async def _clean(run_backends: dict[str, Backend], run_name: str) -> None:
    for name, backend in run_backends.items():
        if backend.real and backend.url is not None:
            await SPECS[name].empty(backend.url, run_name)


def test_sign_in_on_one_call_the_other_log_out_everywhere(
    fleet: tuple[AppProcess, AppProcess],
) -> None:
    first, second = fleet
    name = unique("fleet")
    with httpx.Client(timeout=REQUEST_SECONDS) as http:
        body = {"username": name, "email": f"{name}@example.com", "password": PASSWORD}
        assert_envelope(http.post(f"{first.url}/api/v1/auth/register", json=body), 201)
        login = http.post(
            f"{first.url}/api/v1/auth/login", json={"username": name, "password": PASSWORD}
        )
        token = assert_envelope(login, 200)["data"]["access_token"]

        # Signed in through the first process, recognised by the second (same key, same Redis).
        me = http.get(f"{second.url}/api/v1/users/me", headers=bearer(token))
        assert assert_envelope(me, 200)["data"]["username"] == name
        assert_envelope(http.get(f"{first.url}/api/v1/users/me", headers=bearer(token)), 200)

        ended = http.post(f"{second.url}/api/v1/auth/logout-all", headers=bearer(token))
        assert_envelope(ended, 200)
        # The first process holds no state of its own: its next request sees the session gone.
        refused = http.get(f"{first.url}/api/v1/users/me", headers=bearer(token))
        assert_envelope(refused, 401, ErrorType.UNAUTHORIZED)
