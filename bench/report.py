"""The results table: printed for people, saved as JSON under var/bench/ for comparisons."""

import json
import platform
import statistics
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.wrk import Measurement

RESULTS_DIR = Path("var/bench")


@dataclass(frozen=True)
class Sample(Measurement):
    """One round of one endpoint at one connection count: what wrk saw, and the server's CPU."""

    cpu_us_per_request: float | None


@dataclass(frozen=True)
class Row:
    """One endpoint at one connection count over every round (or why it was not measured).

    Latencies, rates and CPU are medians over the rounds; error counts are totals.
    """

    endpoint: str
    connections: int = 0
    requests_per_second: float | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None
    non_2xx: int = 0
    socket_errors: int = 0
    cpu_us_per_request: float | None = None
    # The same round's bare endpoint at the same connection count: req/s ratio, CPU multiple.
    ratio_to_bare: float | None = None
    cpu_vs_bare: float | None = None
    rounds: int = 0
    note: str = ""


@dataclass
class Run:
    """Everything one `nox -s bench` run measured."""

    rows: list[Row] = field(default_factory=list)
    checks: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)


def _median(values: Sequence[float | None]) -> float | None:
    present = [value for value in values if value is not None]
    return statistics.median(present) if present else None


def summarize(
    endpoint: str, connections: int, samples: Sequence[Sample], bare: Sequence[Sample]
) -> Row:
    """Fold the rounds of one endpoint into a row; `bare[i]` ran in the round of `samples[i]`."""
    ratios: list[float | None] = []
    cpu_multiples: list[float | None] = []
    for sample, baseline in zip(samples, bare, strict=False):
        ratios.append(
            sample.requests_per_second / baseline.requests_per_second
            if baseline.requests_per_second
            else None
        )
        cpu_multiples.append(
            sample.cpu_us_per_request / baseline.cpu_us_per_request
            if sample.cpu_us_per_request is not None and baseline.cpu_us_per_request
            else None
        )
    return Row(
        endpoint=endpoint,
        connections=connections,
        requests_per_second=_median([s.requests_per_second for s in samples]),
        p50_ms=_median([s.p50_ms for s in samples]),
        p99_ms=_median([s.p99_ms for s in samples]),
        non_2xx=sum(s.non_2xx for s in samples),
        socket_errors=sum(s.socket_errors for s in samples),
        cpu_us_per_request=_median([s.cpu_us_per_request for s in samples]),
        ratio_to_bare=_median(ratios),
        cpu_vs_bare=_median(cpu_multiples),
        rounds=len(samples),
    )


def _cell(value: float | None, fmt: str) -> str:
    return "-" if value is None else format(value, fmt)


HEADER = (
    "endpoint", "conns", "req/s", "p50 ms", "p99 ms", "non-2xx", "sock err",
    "CPU us/req", "req/s vs bare", "CPU x bare", "note",
)  # fmt: skip


def table(rows: Sequence[Row]) -> str:
    """The rows as a Markdown table (readable as plain text too)."""
    lines = [
        (
            row.endpoint,
            str(row.connections or "-"),
            _cell(row.requests_per_second, ",.0f"),
            _cell(row.p50_ms, ".2f"),
            _cell(row.p99_ms, ".2f"),
            str(row.non_2xx),
            str(row.socket_errors),
            _cell(row.cpu_us_per_request, ",.0f"),
            _cell(row.ratio_to_bare, ".1%"),
            _cell(row.cpu_vs_bare, ".1f"),
            row.note,
        )
        for row in rows
    ]
    widths = [max(len(cells[i]) for cells in [HEADER, *lines]) for i in range(len(HEADER))]
    out = ["| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"
           for cells in [HEADER, *lines]]  # fmt: skip
    out.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(out)


def render(run: Run) -> str:
    """The backends, the table and the checks as text."""
    out = [f"{name}: {where}" for name, where in run.meta.get("backends", {}).items()]
    if out:
        out.append("")
    out.append(table(run.rows))
    out.append("")
    out.extend(f"{name}: {check['text']}" for name, check in run.checks.items())
    return "\n".join(out)


def save(run: Run, directory: Path = RESULTS_DIR) -> Path:
    """Write the run as JSON named by its start time; return the path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / time.strftime("%Y%m%d-%H%M%S.json")
    run.meta.setdefault("python", platform.python_version())
    run.meta.setdefault("machine", platform.machine())
    payload = {"rows": [asdict(row) for row in run.rows], "checks": run.checks, "meta": run.meta}
    path.write_text(json.dumps(payload, indent=2) + "\n")
    return path


def _rows_by_key(path: Path) -> dict[tuple[str, int], dict[str, Any]]:
    rows = json.loads(path.read_text())["rows"]
    return {(row["endpoint"], row.get("connections", 0)): row for row in rows}


def compare(before: Path, after: Path) -> str:
    """Ratios of `after` to `before` for each endpoint and connection count both runs measured."""
    old, new = _rows_by_key(before), _rows_by_key(after)
    lines = [f"{'endpoint':<48} {'conns':>5} {'req/s a/b':>10} {'p99 a/b':>8} {'CPU/req a/b':>12}"]
    for (endpoint, connections), row in new.items():
        base = old.get((endpoint, connections))
        if base is None:
            lines.append(f"{endpoint:<48} {connections:>5} {'(not in before)':>10}")
            continue
        lines.append(
            f"{endpoint:<48} {connections:>5}"
            f" {_ratio(row['requests_per_second'], base['requests_per_second']):>10}"
            f" {_ratio(row['p99_ms'], base['p99_ms']):>8}"
            f" {_ratio(row.get('cpu_us_per_request'), base.get('cpu_us_per_request')):>12}"
        )
    return "\n".join(lines)


def _ratio(after: float | None, before: float | None) -> str:
    if after is None or not before:
        return "-"
    return f"{after / before:.2f}x"
