"""Starts and stops uvicorn processes for the benchmark (uvloop and httptools, as deployed)."""

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx

READY_TIMEOUT_SECONDS = 60.0


@dataclass(frozen=True)
class Server:
    """A running server and where to reach it."""

    name: str
    base_url: str
    process: subprocess.Popen[bytes]


# BENCH_PORTS=first-last keeps the servers inside a range (a shared machine); else any port.
PORTS_VARIABLE = "BENCH_PORTS"


def port_range(text: str) -> range:
    """The ports a `BENCH_PORTS` value such as "18100-18199" allows."""
    first, _, last = text.partition("-")
    return range(int(first), int(last or first) + 1)


def free_port() -> int:
    """A loopback port nobody listens on right now (inside `BENCH_PORTS` when set)."""
    candidates = port_range(os.environ[PORTS_VARIABLE]) if os.environ.get(PORTS_VARIABLE) else [0]
    for candidate in candidates:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", candidate))
            except OSError:
                continue
            port: int = probe.getsockname()[1]
            return port
    raise RuntimeError(f"no free port in {PORTS_VARIABLE}={os.environ.get(PORTS_VARIABLE)}")


@contextlib.contextmanager
def serve(
    name: str,
    target: str,
    ready_path: str,
    env: Mapping[str, str],
    cwd: Path,
    log: Path,
    workers: int = 1,
) -> Iterator[Server]:
    """Run `uvicorn target` on a free loopback port until the block ends."""
    port = free_port()
    command = [
        sys.executable, "-m", "uvicorn", target,
        "--host", "127.0.0.1", "--port", str(port),
        "--workers", str(workers), "--loop", "uvloop", "--http", "httptools",
        "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            command, env={**os.environ, **env}, cwd=cwd, stdout=output, stderr=subprocess.STDOUT
        )
    server = Server(name, f"http://127.0.0.1:{port}", process)
    try:
        _wait_ready(server, ready_path, log)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_ready(server: Server, path: str, log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited at startup; see {log}")
        try:
            if httpx.get(server.base_url + path, timeout=1.0).status_code < 500:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)  # a synchronous orchestrator waiting for a child process
    raise RuntimeError(f"{server.name} did not answer {path} within {READY_TIMEOUT_SECONDS}s")
