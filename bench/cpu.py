"""Server CPU time from /proc: the process and every descendant (uvicorn's workers)."""

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

PROC = Path("/proc")
# Clock ticks per second: /proc reports utime and stime in these.
TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def parse_stat(text: str) -> tuple[int, int]:
    """(parent pid, user + system ticks) from the text of one `/proc/<pid>/stat`."""
    # The command name is in parentheses and may hold spaces or parentheses: split after it.
    fields = text[text.rindex(")") + 2 :].split()
    # After the name: state(0) ppid(1) ... utime(11) stime(12), per proc(5).
    return int(fields[1]), int(fields[11]) + int(fields[12])


def tree_ticks(root: int, stats: Mapping[int, tuple[int, int]]) -> int:
    """CPU ticks of `root` and all its descendants, given every process's (ppid, ticks)."""
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in stats.items():
        children.setdefault(ppid, []).append(pid)
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        if pid in stats:
            total += stats[pid][1]
        pending.extend(children.get(pid, ()))
    return total


def _all_stats(pids: Iterable[str]) -> dict[int, tuple[int, int]]:
    stats: dict[int, tuple[int, int]] = {}
    for name in pids:
        try:
            stats[int(name)] = parse_stat((PROC / name / "stat").read_text())
        except (FileNotFoundError, ProcessLookupError, ValueError, IndexError):
            continue  # exited meanwhile, or not a process directory
    return stats


def available() -> bool:
    """Whether this system has a Linux-style /proc to read CPU time from."""
    return (PROC / "self" / "stat").exists()


def process_tree_seconds(root: int) -> float:
    """CPU seconds (user + system) used so far by `root` and its live descendants."""
    names = [entry.name for entry in PROC.iterdir() if entry.name.isdigit()]
    return tree_ticks(root, _all_stats(names)) / TICKS_PER_SECOND


def micros_per_request(cpu_seconds: float, requests: int) -> float | None:
    """CPU µs per request, or None when nothing was served."""
    return cpu_seconds * 1_000_000 / requests if requests else None
