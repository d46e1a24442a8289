"""Three-way merge of one text file: `git merge-file` when git is installed, else in Python.

Both write git's conflict markers, so a user resolves either result the same way. The Python
merge keeps the CLI free of dependencies for machines without git.
"""

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from fastapi_fusion.errors import ScaffoldError

MARKER_SIZE = 7
# `git merge-file` exits with the number of conflicts, capped here; a larger code is an error.
_GIT_MAX_CONFLICTS = 127


@dataclass(frozen=True)
class Labels:
    """The names conflict markers give the three sides."""

    ours: str
    base: str
    theirs: str


@dataclass(frozen=True)
class Merged:
    """A merge's text and how many conflicts it holds (0: merged cleanly)."""

    text: str
    conflicts: int


def merge_texts(base: str, ours: str, theirs: str, labels: Labels) -> Merged:
    """Merge the change from `base` to `theirs` into `ours`, marking conflicts."""
    if shutil.which("git") is not None:
        return git_merge(base, ours, theirs, labels)
    return python_merge(base, ours, theirs, labels)


def git_merge(base: str, ours: str, theirs: str, labels: Labels) -> Merged:
    """The merge `git merge-file` makes."""
    with tempfile.TemporaryDirectory(prefix="fastapi-fusion-merge-") as work:
        paths = []
        for side, text in (("ours", ours), ("base", base), ("theirs", theirs)):
            path = Path(work) / side
            # Bytes, not text: git must see the line endings exactly as they are.
            path.write_bytes(text.encode("utf-8"))
            paths.append(str(path))
        done = subprocess.run(  # noqa: S603 (git from PATH with fixed arguments)
            [  # noqa: S607 (git from PATH, as the user runs it)
                "git",
                "merge-file",
                "--stdout",
                *("-L", labels.ours, "-L", labels.base, "-L", labels.theirs),
                *paths,
            ],
            capture_output=True,
            check=False,
        )
    if not 0 <= done.returncode <= _GIT_MAX_CONFLICTS:
        reason = (done.stderr.decode(errors="replace").strip().splitlines() or ["no output"])[-1]
        raise ScaffoldError(f"git merge-file failed: {reason}")
    return Merged(text=done.stdout.decode("utf-8"), conflicts=done.returncode)


def python_merge(base: str, ours: str, theirs: str, labels: Labels) -> Merged:
    """The same merge in Python, line by line, over the regions both sides left unchanged."""
    old, mine, new = (text.splitlines(keepends=True) for text in (base, ours, theirs))
    out: list[str] = []
    conflicts = 0
    at_old = at_mine = at_new = 0
    for old_start, old_end, mine_start, mine_end, new_start, new_end in _stable_regions(
        old, mine, new
    ):
        # Between two stable regions: a chunk that one side, both, or neither changed.
        chunk_old = old[at_old:old_start]
        chunk_mine, chunk_new = mine[at_mine:mine_start], new[at_new:new_start]
        if chunk_mine in (chunk_old, chunk_new):
            out.extend(chunk_new)
        elif chunk_new == chunk_old:
            out.extend(chunk_mine)
        else:
            conflicts += 1
            out.extend(_conflict(chunk_mine, chunk_new, labels))
        out.extend(old[old_start:old_end])
        at_old, at_mine, at_new = old_end, mine_end, new_end
    return Merged(text="".join(out), conflicts=conflicts)


def _stable_regions(
    old: Sequence[str], mine: Sequence[str], new: Sequence[str]
) -> list[tuple[int, int, int, int, int, int]]:
    # Runs of base lines that both sides kept, with where they sit on each side; the last is
    # an empty run at the three ends, so the walk above also handles the tail.
    to_mine = SequenceMatcher(None, old, mine, autojunk=False).get_matching_blocks()
    to_new = SequenceMatcher(None, old, new, autojunk=False).get_matching_blocks()
    regions = []
    i = j = 0
    while i < len(to_mine) and j < len(to_new):
        mine_old, mine_at, mine_size = to_mine[i]
        new_old, new_at, new_size = to_new[j]
        start = max(mine_old, new_old)
        end = min(mine_old + mine_size, new_old + new_size)
        if start < end:
            regions.append(
                (
                    start,
                    end,
                    mine_at + start - mine_old,
                    mine_at + end - mine_old,
                    new_at + start - new_old,
                    new_at + end - new_old,
                )
            )
        if mine_old + mine_size < new_old + new_size:
            i += 1
        else:
            j += 1
    regions.append((len(old), len(old), len(mine), len(mine), len(new), len(new)))
    return regions


def _conflict(mine: Sequence[str], new: Sequence[str], labels: Labels) -> list[str]:
    return [
        f"{'<' * MARKER_SIZE} {labels.ours}\n",
        *_closed(mine),
        f"{'=' * MARKER_SIZE}\n",
        *_closed(new),
        f"{'>' * MARKER_SIZE} {labels.theirs}\n",
    ]


def _closed(lines: Sequence[str]) -> list[str]:
    # A side's last line may lack its newline (end of file); the marker after it needs one.
    if lines and not lines[-1].endswith("\n"):
        return [*lines[:-1], lines[-1] + "\n"]
    return list(lines)
