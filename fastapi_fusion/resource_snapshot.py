"""After `add resource`: the project's committed GraphQL SDL snapshot, regenerated to match.

The snapshot test compares the served schema with a committed file, so a new resource's
fields would fail it; the project's own environment writes the file again (it alone can
import the project's app).
"""

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

SNAPSHOT_TEST = "tests/unit/graphql/test_schema_snapshot.py"
SNAPSHOT_DIR = "tests/unit/graphql"
WRITE = "from tests.unit.graphql.test_schema_snapshot import write_snapshot; write_snapshot()"

Runner = Callable[[list[str], Path], int]


def refresh_command(root: Path, uv: list[str]) -> list[str]:
    """The command, run in `root`, that rewrites the snapshot with the project's own Python."""
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8") if pyproject.is_file() else ""
    # The embedded backends let the app's modules import on a bare machine.
    extra = ["--extra", "embedded"] if "\nembedded = [" in text else []
    return [*uv, "run", *extra, "python", "-c", WRITE]


def _run(command: list[str], cwd: Path) -> int:
    # Not this tool's virtualenv: uv would warn, then use the project's own anyway.
    env = {key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"}
    # The command is ours (uv, then fixed arguments), nothing a user typed.
    return subprocess.run(command, cwd=cwd, env=env, check=False).returncode  # noqa: S603


def _snapshots(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted((root / SNAPSHOT_DIR).glob("*.graphql"))
    }


def refresh_snapshot(
    root: Path, uv: list[str] | None, run: Runner = _run, say: Callable[[str], None] = print
) -> bool:
    """Rewrite the project's SDL snapshot; False (with the command to run) if it could not."""
    if not (root / SNAPSHOT_TEST).is_file():
        return True  # no snapshot test in this project: nothing to keep in step
    shown = " ".join([*refresh_command(root, ["uv"])[:-1], f'"{WRITE}"'])
    if uv is None:
        say(f"WARNING: uv not found; the GraphQL snapshot test fails until you run: {shown}")
        return False
    before = _snapshots(root)
    if run(refresh_command(root, uv), root) != 0:
        say(f"WARNING: the GraphQL snapshot was not refreshed; fix the error and run: {shown}")
        return False
    changed = [path for path, text in _snapshots(root).items() if before.get(path) != text]
    say(f"Refreshed the GraphQL schema snapshot: {', '.join(changed) or 'already current'}")
    return True
