"""Several workers: prometheus-client's multiprocess mode sums what each process counted."""

import os
import subprocess
import sys
from pathlib import Path

WORKER = """
from app.core.metrics import SQL_POOL_WAITING, observe_request
observe_request("GET", "/api/v1/users/me", 200, 0.01)
SQL_POOL_WAITING.labels("postgres").set(2)
print(__import__("os").getpid())
"""
SCRAPE = """
import sys
from app.core.metrics import exposition
pid = int(sys.argv[1])
if pid:
    import prometheus_client.multiprocess as multiprocess
    multiprocess.mark_process_dead(pid)
sys.stdout.write(exposition()[0].decode())
"""


def run(code: str, env: dict[str, str], *args: str) -> str:
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, check=True
    )
    return result.stdout


def test_two_workers_are_summed_and_a_stopped_one_leaves_the_gauges(tmp_path: Path) -> None:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    first = run(WORKER, env).strip()
    run(WORKER, env)
    both = run(SCRAPE, env, "0")
    requests = 'http_requests_total{method="GET",route="/api/v1/users/me",status_class="2xx"}'
    assert f"{requests} 2.0" in both
    assert 'sql_pool_waiting{role="postgres"} 4.0' in both
    # A worker that stopped: its counts stay (they happened), its gauges go.
    one = run(SCRAPE, env, first)
    assert f"{requests} 2.0" in one
    assert 'sql_pool_waiting{role="postgres"} 2.0' in one
