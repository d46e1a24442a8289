"""The results table: printed for people, saved as JSON under var/bench/ for comparisons."""

import json
import platform
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

RESULTS_DIR = Path("var/bench")


@dataclass(frozen=True)
class Row:
    """One measured endpoint (or why it was not measured)."""

    endpoint: str
    requests_per_second: float | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None
    ratio_to_bare: float | None = None
    errors: int = 0
    note: str = ""


@dataclass
class Run:
    """Everything one `nox -s bench` run measured."""

    rows: list[Row] = field(default_factory=list)
    checks: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)


def _cell(value: float | None, fmt: str) -> str:
    return "-" if value is None else format(value, fmt)


def render(run: Run) -> str:
    """The table and the target checks as aligned text."""
    header = ("endpoint", "req/s", "p50 ms", "p99 ms", "vs bare", "note")
    lines = [
        (
            row.endpoint,
            _cell(row.requests_per_second, ",.0f"),
            _cell(row.p50_ms, ".2f"),
            _cell(row.p99_ms, ".2f"),
            _cell(row.ratio_to_bare, ".0%"),
            row.note + (f" ({row.errors} errors)" if row.errors else ""),
        )
        for row in run.rows
    ]
    widths = [max(len(str(cells[i])) for cells in [header, *lines]) for i in range(len(header))]
    out = ["  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()
           for cells in [header, *lines]]  # fmt: skip
    out.insert(1, "  ".join("-" * w for w in widths))
    for name, check in run.checks.items():
        out.append(f"{name}: {check['text']}")
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


def compare(before: Path, after: Path) -> str:
    """Ratios of `after` to `before` for each endpoint both runs measured."""
    old = {row["endpoint"]: row for row in json.loads(before.read_text())["rows"]}
    new = {row["endpoint"]: row for row in json.loads(after.read_text())["rows"]}
    lines = [f"{'endpoint':<40} {'req/s after/before':>20} {'p99 after/before':>18}"]
    for endpoint, row in new.items():
        base = old.get(endpoint)
        if base is None:
            lines.append(f"{endpoint:<40} {'(not in before)':>20}")
            continue
        lines.append(
            f"{endpoint:<40} {_ratio(row['requests_per_second'], base['requests_per_second']):>20}"
            f" {_ratio(row['p99_ms'], base['p99_ms']):>18}"
        )
    return "\n".join(lines)


def _ratio(after: float | None, before: float | None) -> str:
    if after is None or not before:
        return "-"
    return f"{after / before:.2f}x"
