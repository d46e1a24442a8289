"""The benchmark's own arithmetic: wrk summaries, /proc CPU, rounds, tables and comparisons."""

import json
from pathlib import Path

import pytest

from bench import backends, cpu, report, servers, wrk
from bench.__main__ import ME_CPU_TARGET_US, parse_arguments, target_checks
from bench.scenarios import ME_SCENARIO

SUMMARY = (
    "Running 1s test @ http://127.0.0.1:1/\n"
    'BENCH_RESULT {"requests": 5000, "duration_us": 2000000, "p50_us": 1500, "p99_us": 9000, '
    '"connect_errors": 0, "read_errors": 1, "write_errors": 0, "status_errors": 2, '
    '"timeouts": 3, "non_2xx": 4}\n'
)


def sample(rps: float, cpu_us: float | None, non_2xx: int = 0, p99: float = 2.0) -> report.Sample:
    return report.Sample(rps, 1.0, p99, int(rps), non_2xx, 0, cpu_us)


def test_parse_summary_separates_statuses_from_socket_errors() -> None:
    result = wrk.parse_summary(SUMMARY)
    assert result == wrk.Measurement(
        requests_per_second=2500.0, p50_ms=1.5, p99_ms=9.0, requests=5000, non_2xx=4,
        socket_errors=4,
    )  # fmt: skip


def test_parse_summary_without_result_line_fails() -> None:
    with pytest.raises(ValueError, match="no BENCH_RESULT"):
        wrk.parse_summary("unable to connect to 127.0.0.1:1 Connection refused\n")


def test_parse_stat_reads_ppid_and_cpu_ticks_after_an_awkward_name() -> None:
    # The command name may hold spaces and parentheses; fields count from after the last ")".
    text = "4242 (uvicorn (worker) 1) S 4200 4242 4200 0 -1 4194304 100 0 0 0 1500 250 3 4 20 0"
    assert cpu.parse_stat(text) == (4200, 1750)


def test_tree_ticks_sums_descendants_only() -> None:
    stats = {10: (1, 100), 11: (10, 40), 12: (11, 5), 13: (1, 999), 14: (13, 7)}
    assert cpu.tree_ticks(10, stats) == 145
    assert cpu.tree_ticks(11, stats) == 45
    assert cpu.tree_ticks(99, stats) == 0


def test_process_tree_seconds_reads_this_process() -> None:
    if not cpu.available():
        pytest.skip("no /proc on this system")
    burnt = sum(i * i for i in range(200_000))  # some CPU, so the count is above zero
    assert burnt > 0
    assert cpu.process_tree_seconds(__import__("os").getpid()) > 0


def test_micros_per_request() -> None:
    assert cpu.micros_per_request(0.5, 1000) == 500.0
    assert cpu.micros_per_request(0.5, 0) is None


def test_summarize_takes_medians_sums_errors_and_pairs_rounds_with_bare() -> None:
    bare = [sample(1000, 100), sample(2000, 100), sample(1000, 50)]
    app = [sample(100, 1000, non_2xx=1), sample(400, 900), sample(50, 1100, non_2xx=2)]
    row = report.summarize("GET /x", 32, app, bare)
    assert row.requests_per_second == 100
    assert row.cpu_us_per_request == 1000
    assert row.non_2xx == 3
    # Per round: 10%, 20%, 5% of bare; 10x, 9x, 22x its CPU; medians of each.
    assert row.ratio_to_bare == pytest.approx(0.10)
    assert row.cpu_vs_bare == pytest.approx(10.0)
    assert row.rounds == 3


def test_summarize_tolerates_unmeasured_cpu() -> None:
    row = report.summarize("GET /x", 32, [sample(0, None)], [sample(0, None)])
    assert row.cpu_us_per_request is None
    assert row.ratio_to_bare is None


def test_targets_read_cpu_per_request_at_each_connection_count() -> None:
    rows = [
        report.Row(ME_SCENARIO, 32, cpu_us_per_request=ME_CPU_TARGET_US - 1),
        report.Row(ME_SCENARIO, 256, cpu_us_per_request=ME_CPU_TARGET_US + 1),
        report.Row("GET /other", 32, cpu_us_per_request=5000),
    ]
    checks = target_checks(rows)
    assert set(checks) == {f"target {ME_SCENARIO} at 32", f"target {ME_SCENARIO} at 256"}
    assert "met" in str(checks[f"target {ME_SCENARIO} at 32"]["text"])
    assert "MISSED" in str(checks[f"target {ME_SCENARIO} at 256"]["text"])


def test_render_shows_backends_columns_and_unmeasured_rows() -> None:
    run = report.Run(
        rows=[
            report.summarize("bare", 32, [sample(1000, 80)], [sample(1000, 80)]),
            report.Row("GET /x", note="not measured: HTTP 404"),
        ],
        checks={"loop": {"text": "fine"}},
        meta={"backends": {"mongo": "EMBEDDED default"}},
    )
    text = report.render(run)
    assert "mongo: EMBEDDED default" in text
    assert "non-2xx" in text
    assert "CPU us/req" in text
    assert "| 1,000 " in text
    assert "100.0%" in text
    assert "not measured: HTTP 404" in text
    assert "loop: fine" in text


def test_save_then_compare_by_endpoint_and_connections(tmp_path: Path) -> None:
    old = report.Run(rows=[report.Row("GET /a", 32, 1000.0, 1.0, 4.0, cpu_us_per_request=2000)])
    before = report.save(old, tmp_path)
    after_path = tmp_path / "after.json"
    rows = [
        {"endpoint": "GET /a", "connections": 32, "requests_per_second": 1500.0, "p99_ms": 2.0,
         "cpu_us_per_request": 900},
        {"endpoint": "GET /a", "connections": 256, "requests_per_second": 1.0, "p99_ms": 1.0},
    ]  # fmt: skip
    after_path.write_text(json.dumps({"rows": rows}))
    text = report.compare(before, after_path)
    assert "1.50x" in text
    assert "0.50x" in text
    assert "0.45x" in text
    assert "(not in before)" in text


def test_port_range() -> None:
    assert servers.port_range("18100-18199") == range(18100, 18200)
    assert servers.port_range("18100") == range(18100, 18101)


def test_backends_are_labelled_server_or_embedded() -> None:
    labels = backends.describe({"BENCH_POSTGRES_URL": "postgresql://x", "BENCH_REDIS_URL": ""})
    assert labels["postgres"].startswith("server")
    assert labels["redis"] == "EMBEDDED default"


def test_arguments_default_to_both_connection_counts_and_three_rounds() -> None:
    args = parse_arguments([])
    assert args.connections == [32, 256]
    assert args.rounds == 3


def test_ci_never_runs_the_bench() -> None:
    # Timing on a shared CI machine gates nothing: the bench is a developer's tool.
    ci = (Path(__file__).resolve().parents[2] / ".ci" / "run").read_text()
    assert "bench" not in ci


# fusion:mongo begin
async def test_the_write_scenario_asks_for_a_server_of_its_own_on_the_embedded_mongo(
    tmp_path: Path,
) -> None:
    # mongomock scans the products it soft-deletes too: shared, the listings would slow down.
    import httpx

    from bench.scenarios import SCENARIOS

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/login"):
            return httpx.Response(200, json={"data": {"access_token": "token"}})
        if request.method == "POST" and request.url.path == "/api/v1/products":
            return httpx.Response(201, json={"data": {"id": "p1"}})
        return httpx.Response(200, json={"data": None})

    write = SCENARIOS["POST + DELETE /api/v1/products (write)"]
    async with httpx.AsyncClient(
        transport=httpx.MockTransport(answer), base_url="http://app"
    ) as client:
        embedded = await write(client, {}, tmp_path)
        served = await write(client, {"MONGO_URL": "mongodb://db:27017"}, tmp_path)
    assert embedded.own_server
    assert not served.own_server


# fusion:mongo end
