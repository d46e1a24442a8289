"""Drives a URL with wrk and reads the JSON summary `report.lua` prints."""

import asyncio
import json
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).with_name("report.lua")
INSTALL_HINT = (
    "wrk is not installed: on Debian or Ubuntu run `apt-get install wrk`; "
    "on macOS `brew install wrk`"
)


@dataclass(frozen=True)
class Load:
    """How hard and how long to drive each endpoint."""

    duration_seconds: int = 10
    connections: int = 32
    threads: int = 1


@dataclass(frozen=True)
class Measurement:
    """What wrk saw for one endpoint."""

    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    # Responses whose status was not 2xx (counted by report.lua, 5xx and 4xx alike).
    non_2xx: int
    # Connect, read and write errors and timeouts: requests that got no response at all.
    socket_errors: int


def json_body(document: object) -> str:
    """A request body for wrk to send as is."""
    return json.dumps(document)


def require_wrk() -> str:
    """The path of wrk, or a clear error saying how to install it."""
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit(INSTALL_HINT)
    return path


def parse_summary(output: str) -> Measurement:
    """Read the `BENCH_RESULT {...}` line out of wrk's output."""
    for line in output.splitlines():
        if line.startswith("BENCH_RESULT "):
            data = json.loads(line.removeprefix("BENCH_RESULT "))
            seconds = data["duration_us"] / 1_000_000
            socket_errors = sum(
                data[key] for key in ("connect_errors", "read_errors", "write_errors", "timeouts")
            )
            return Measurement(
                requests_per_second=data["requests"] / seconds if seconds else 0.0,
                p50_ms=data["p50_us"] / 1000,
                p99_ms=data["p99_us"] / 1000,
                requests=data["requests"],
                non_2xx=data["non_2xx"],
                socket_errors=socket_errors,
            )
    raise ValueError("wrk printed no BENCH_RESULT line:\n" + output)


async def drive(
    url: str,
    load: Load,
    method: str = "GET",
    body: str = "",
    headers: Mapping[str, str] | None = None,
    delete_prefix: str = "",
) -> Measurement:
    """Run wrk against `url` and return its measurement (`delete_prefix`: the write mode)."""
    env = {
        **os.environ,
        "BENCH_METHOD": method,
        "BENCH_BODY": body,
        "BENCH_HEADERS": "\n".join(f"{k}: {v}" for k, v in (headers or {}).items()),
        "BENCH_DELETE_PREFIX": delete_prefix,
    }
    process = await asyncio.create_subprocess_exec(
        require_wrk(),
        "-t", str(load.threads),
        "-c", str(load.connections),
        "-d", f"{load.duration_seconds}s",
        "--timeout", "30s",
        "-s", str(SCRIPT),
        url,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await process.communicate()
    return parse_summary(output.decode(errors="replace"))
