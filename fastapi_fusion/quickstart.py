"""Running a README's Quickstart verbatim: the serving command (bounded), then the test command.

`nox -s scaffold` runs it on the kit's own clone and on a generated project, so the two
commands a stranger copies are the two commands CI ran.
"""

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from fastapi_fusion.errors import ScaffoldError

SECTION = "## Quickstart"
FENCE = "```bash"
# The serving command installs everything first: minutes on a cold cache.
SERVE_TIMEOUT_SECONDS = 900.0
STOP_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class Quickstart:
    """The Quickstart's two commands: the one that serves, then the one that tests."""

    serve: str
    test: str


def read_quickstart(readme: str) -> Quickstart:
    """The two lines of the first bash block under `## Quickstart`; anything else is an error."""
    if f"\n{SECTION}\n" not in f"\n{readme}":
        raise ScaffoldError(f"README has no {SECTION!r} section")
    section = f"\n{readme}".split(f"\n{SECTION}\n", 1)[1].split("\n## ", 1)[0]
    if f"{FENCE}\n" not in section:
        raise ScaffoldError(f"the Quickstart has no {FENCE!r} block")
    block = section.split(f"{FENCE}\n", 1)[1].split("```", 1)[0]
    lines = [line for line in block.splitlines() if line.strip()]
    if len(lines) != 2:
        raise ScaffoldError(f"the Quickstart block must hold two commands, not {len(lines)}")
    return Quickstart(serve=lines[0], test=lines[1])


def free_port() -> int:
    """A TCP port nothing listens on right now (the kernel picks it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def is_live(url: str) -> bool:
    """Whether `url` answers 200."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback URL)
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def serve_until_live(
    command: str, cwd: Path, env: Mapping[str, str], url: str, timeout: float
) -> float:
    """Run `command` until `url` answers 200, then stop it; returns the seconds it took."""
    started = time.monotonic()
    # A session of its own, so stopping it stops the reloader and its worker too.
    process = subprocess.Popen(  # noqa: S602 (the README's command, verbatim, is the point)
        command, shell=True, cwd=cwd, env=dict(env), start_new_session=True
    )
    try:
        while not is_live(url):
            if process.poll() is not None:
                raise ScaffoldError(f"{command!r} exited with {process.returncode} before {url}")
            if time.monotonic() - started > timeout:
                raise ScaffoldError(f"{url} did not answer within {timeout:.0f}s of {command!r}")
            time.sleep(1)
        return time.monotonic() - started
    finally:
        _stop(process)


def _stop(process: "subprocess.Popen[bytes]") -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def run_quickstart(project: Path, env: Mapping[str, str]) -> tuple[float, float]:
    """Run `project`'s README Quickstart verbatim; returns (seconds to live, seconds to green)."""
    quickstart = read_quickstart((project / "README.md").read_text(encoding="utf-8"))
    port = free_port()
    serve_env = {**env, "DEV_PORT": str(port)}
    live = serve_until_live(
        quickstart.serve,
        project,
        serve_env,
        f"http://127.0.0.1:{port}/health/live",
        SERVE_TIMEOUT_SECONDS,
    )
    started = time.monotonic()
    subprocess.run(quickstart.test, shell=True, cwd=project, env=dict(env), check=True)  # noqa: S602
    return live, time.monotonic() - started
