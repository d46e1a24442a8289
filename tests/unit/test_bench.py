"""The benchmark's own arithmetic: wrk summaries, targets, tables and comparisons."""

import json
from pathlib import Path

import pytest

from bench import report, wrk
from bench.__main__ import target_checks

SUMMARY = (
    "Running 1s test @ http://127.0.0.1:1/\n"
    'BENCH_RESULT {"requests": 5000, "duration_us": 2000000, "p50_us": 1500, "p99_us": 9000, '
    '"connect_errors": 0, "read_errors": 1, "write_errors": 0, "status_errors": 2, '
    '"timeouts": 3}\n'
)


def test_parse_summary() -> None:
    result = wrk.parse_summary(SUMMARY)
    assert result == wrk.Measurement(
        requests_per_second=2500.0, p50_ms=1.5, p99_ms=9.0, requests=5000, errors=6
    )


def test_parse_summary_without_result_line_fails() -> None:
    with pytest.raises(ValueError, match="no BENCH_RESULT"):
        wrk.parse_summary("unable to connect to 127.0.0.1:1 Connection refused\n")


def test_targets_are_reported_met_or_missed() -> None:
    rows = [
        report.Row("GET /health/live", 900.0, 1.0, 2.0, 0.9),
        report.Row("GET /api/v1/users/me (authenticated)", 200.0, 1.0, 2.0, 0.2),
    ]
    checks = target_checks(rows)
    assert "met" in str(checks["target GET /health/live"]["text"])
    assert "MISSED" in str(checks["target GET /api/v1/users/me (authenticated)"]["text"])


def test_render_shows_unmeasured_rows_with_reason() -> None:
    run = report.Run(
        rows=[
            report.Row("bare", 1000.0, 1.0, 2.0, 1.0),
            report.Row("GET /x", note="not measured: HTTP 404"),
        ]
    )
    text = report.render(run)
    assert "1,000" in text
    assert "100%" in text
    assert "not measured: HTTP 404" in text


def test_save_then_compare(tmp_path: Path) -> None:
    before = report.save(report.Run(rows=[report.Row("GET /a", 1000.0, 1.0, 4.0, 1.0)]), tmp_path)
    after_path = tmp_path / "after.json"
    after_path.write_text(
        json.dumps({"rows": [{"endpoint": "GET /a", "requests_per_second": 1500.0, "p99_ms": 2.0},
                             {"endpoint": "GET /b", "requests_per_second": 1.0, "p99_ms": 1.0}]})
    )  # fmt: skip
    text = report.compare(before, after_path)
    assert "1.50x" in text
    assert "0.50x" in text
    assert "(not in before)" in text
