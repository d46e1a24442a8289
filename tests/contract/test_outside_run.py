"""An outsider's run: the schemathesis CLI, every check, against the app served by uvicorn.

The in-process suite proves the contract with the suite's own hooks and client; this test
does what a user of the kit would do: serve the app (embedded defaults, development, as
`nox -s dev`), point `schemathesis run --checks all` at its `/openapi.json` over loopback,
and expect 0 failures. Its only help is `tests.contract.outside_hooks`: the document's `x-`
rules and a fresh session per secured case.
"""

import os
import re
import secrets
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from queue import Empty, Queue

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Bounded so the contract tier stays quick: examples per operation, a fixed seed, a deadline.
MAX_EXAMPLES = "15"
SEED = "1"
RUN_TIMEOUT = 420
START_TIMEOUT = 60
RUNNING = re.compile(r"Uvicorn running on (http://127\.0\.0\.1:\d+)")
ADMIN = "outside-admin"


def _served_env(directory: Path) -> dict[str, str]:
    # Embedded backends in this test's directory; nothing of the working tree is touched.
    return {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "ENVIRONMENT": "development",
        "POSTGRES_URL": f"sqlite+aiosqlite:///{directory / 'postgres.sqlite3'}",
        # fusion:mysql begin
        "MYSQL_URL": f"sqlite+aiosqlite:///{directory / 'mysql.sqlite3'}",
        # fusion:mysql end
        # fusion:mongo begin
        "MONGO_URL": "memory://",
        # fusion:mongo end
        "REDIS_URL": "memory://",
        "JWT_DEV_KEYS_DIR": str(directory / "keys"),
        # bcrypt's floor keeps thousands of generated sign-ins cheap; one client address sends
        # every failed one, so the per-address limit would end the run in 429s.
        "BCRYPT_ROUNDS": "4",
        "LOGIN_RATE_LIMIT_PER_ADDRESS": "1000000/minute",
    }


def _lines(stream: object, into: "Queue[str]") -> None:
    for line in stream:  # type: ignore[attr-defined]
        into.put(str(line))


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """The app under uvicorn on a free loopback port (bound by uvicorn: `--port 0`)."""
    env = _served_env(tmp_path)
    password = secrets.token_urlsafe(16)
    subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-m", "app", "admin", "create", "--username", ADMIN,
         "--email", f"{ADMIN}@example.com", "--password-stdin"],
        input=f"{password}\n", env=env, cwd=tmp_path, check=True, capture_output=True,
        text=True, timeout=START_TIMEOUT,
    )  # fmt: skip
    server = subprocess.Popen(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-m", "uvicorn", "app.main:app", "--app-dir", str(ROOT),
         "--host", "127.0.0.1", "--port", "0", "--no-access-log"],
        env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    output: Queue[str] = Queue()
    threading.Thread(target=_lines, args=(server.stdout, output), daemon=True).start()
    try:
        base_url = None
        while base_url is None:
            try:
                line = output.get(timeout=START_TIMEOUT)
            except Empty:
                pytest.fail("uvicorn did not start")
            found = RUNNING.search(line)
            base_url = found.group(1) if found else None
        yield (
            base_url,
            {
                **env,
                "OUTSIDE_BASE_URL": base_url,
                "OUTSIDE_ADMIN_USERNAME": ADMIN,
                "OUTSIDE_ADMIN_PASSWORD": password,
            },
        )
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_an_outside_schemathesis_run_with_every_check_finds_nothing(
    served: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    base_url, env = served
    cli = Path(sys.executable).parent / "schemathesis"
    result = subprocess.run(  # noqa: S603 - the venv's own schemathesis, fixed arguments
        [str(cli), "run", f"{base_url}/openapi.json", "--checks", "all",
         "--max-examples", MAX_EXAMPLES, "--seed", SEED, "--workers", "2", "--no-color",
         "--generation-database", "none", "--report-dir", str(tmp_path / "report")],
        env={**env, "SCHEMATHESIS_HOOKS": "tests.contract.outside_hooks", "PYTHONPATH": str(ROOT)},
        # Its cache (`.schemathesis/`) goes to the test's directory, not the working tree.
        cwd=tmp_path, capture_output=True, text=True, timeout=RUN_TIMEOUT,
    )  # fmt: skip
    summary = result.stdout[result.stdout.rfind("SUMMARY") :]
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    # It really ran: every operation of the document tested, and no failure line.
    tested = re.search(r"Selected: (\d+)/(\d+)\s+Tested: (\d+)", summary)
    assert tested is not None, summary
    assert int(tested.group(3)) == int(tested.group(2)) > 0, summary
    assert "Failures:" not in summary, summary
    print(summary)  # shown with `-s`: what the outsider would have seen
