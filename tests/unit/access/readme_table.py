"""The README's access tables: found between markers, compared with what the code declares."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[3] / "README.md"
# The marker ending a row that `--without NAME` would take out (README.md, Layout).
FEATURE_MARKER = re.compile(r" <!-- fusion:[a-z]+ -->$", re.MULTILINE)


def table(rows: list[tuple[str, str]]) -> str:
    """A Markdown table of (operation, policy) rows."""
    lines = ["| operation | policy |", "| --- | --- |"]
    lines += [f"| `{operation}` | {policy} |" for operation, policy in rows]
    return "\n".join(lines)


def readme_table(name: str) -> str:
    """The table between `<!-- access:NAME -->` and `<!-- /access:NAME -->` in the README."""
    text = README.read_text(encoding="utf-8")
    start, end = f"<!-- access:{name} -->", f"<!-- /access:{name} -->"
    assert start in text, f"README.md has no {start} marker"
    assert end in text, f"README.md has no {end} marker"
    return FEATURE_MARKER.sub("", text.split(start, 1)[1].split(end, 1)[0].strip())
