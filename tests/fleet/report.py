"""Plain-text tables the fleet tests print (and the checks they assert, side by side)."""

from collections.abc import Sequence


def table(title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A fixed-width table under a title."""
    cells = [[str(cell) for cell in row] for row in [header, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = ["", title, "  ".join(h.ljust(w) for h, w in zip(cells[0], widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells[1:]]
    return "\n".join(lines)


def checks(title: str, results: Sequence[tuple[str, bool, str]]) -> str:
    """A table of named checks: PASS/FAIL and what was measured."""
    return table(
        title,
        ("check", "result", "measured"),
        [(name, "PASS" if ok else "FAIL", detail) for name, ok, detail in results],
    )
