"""The update round trip: a project at version A, edited; a kit version B; `update`; checks.

The unit tests build the same version B; `nox -s scaffold` runs the whole trip with the
installed CLI wheel as version A.
"""

import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from fastapi_fusion.errors import ScaffoldError
from fastapi_fusion.finishing import FALLBACK_IDENTITY
from fastapi_fusion.origin import read_origin
from fastapi_fusion.releases import Release, release_at
from fastapi_fusion.template_source import IGNORED_NAMES, copy_template

# Version B's known changes, each in a file every variant of a project has.
MERGED_FILE = "app/core/envelope.py"  # B appends a line; the project edits the top: both stay
CONFLICT_FILE = "app/core/errors.py"  # B and the project both append a line: a conflict
DROPPED_FILE = "compose.yaml"  # B changes it; the project deleted it: not recreated
GONE_FILE = ".dockerignore"  # B deletes it; the project left it alone: deleted
ADDED_FILE = "bench/KIT-B.md"  # B adds it: added
KIT_LINE = "# Kit version B: a change `update` must bring.\n"
PROJECT_LINE = "# The project's own line, which `update` must keep.\n"
CONFLICT_KIT_LINE = "# Kit version B: the last line, changed.\n"
CONFLICT_PROJECT_LINE = "# The project: the last line, changed.\n"


def next_version(version: str) -> str:
    """A version after `version`: its last number plus one."""
    head, _, last = version.rpartition(".")
    return f"{head}.{int(last) + 1}" if head and last.isdigit() else f"{version}.1"


def make_version_b(checkout: Path, destination: Path) -> Release:
    """A kit release in `destination`: the checkout's template and CLI, with B's changes."""
    copy_template(checkout, destination)
    package = destination / "fastapi_fusion"
    ignore = shutil.ignore_patterns("template", *IGNORED_NAMES)
    shutil.copytree(checkout / "fastapi_fusion", package, ignore=ignore)
    release_a = release_at(checkout)
    init = package / "__init__.py"
    version = next_version(release_a.version)
    init.write_text(
        init.read_text(encoding="utf-8").replace(
            f'__version__ = "{release_a.version}"', f'__version__ = "{version}"'
        ),
        encoding="utf-8",
    )
    for relative in (MERGED_FILE, DROPPED_FILE):
        _append(destination / relative, KIT_LINE)
    _append(destination / CONFLICT_FILE, CONFLICT_KIT_LINE)
    (destination / GONE_FILE).unlink()
    (destination / ADDED_FILE).parent.mkdir(parents=True, exist_ok=True)
    (destination / ADDED_FILE).write_text("# Added in kit version B\n", encoding="utf-8")
    release = release_at(destination)
    if release.version != version:
        raise ScaffoldError(f"version B: {init} kept version {release.version}")
    return release


def edit_project(project: Path) -> None:
    """The project's own changes: one beside B's, one on B's lines, one file deleted."""
    merged = project / MERGED_FILE
    first, rest = merged.read_text(encoding="utf-8").split("\n", 1)
    merged.write_text(f"{first}\n{PROJECT_LINE}{rest}", encoding="utf-8")
    _append(project / CONFLICT_FILE, CONFLICT_PROJECT_LINE)
    (project / DROPPED_FILE).unlink()


@dataclass(frozen=True)
class RoundTrip:
    """A finished update: its exit code and printed summary, and the project it changed."""

    project: Path
    exit_code: int
    output: str


def check_round_trip(trip: RoundTrip, version_b: str) -> list[str]:
    """What is wrong with the project after updating to version B (empty: all as expected)."""
    project = trip.project
    merged = (project / MERGED_FILE).read_text(encoding="utf-8")
    conflicted = (project / CONFLICT_FILE).read_text(encoding="utf-8")
    expectations = {
        "exit code 1 (a conflict is left)": trip.exit_code == 1,
        f"{MERGED_FILE} keeps the project's line": PROJECT_LINE in merged,
        f"{MERGED_FILE} takes the kit's line": merged.endswith(KIT_LINE),
        f"{CONFLICT_FILE} holds conflict markers": "<<<<<<< project\n" in conflicted
        and ">>>>>>> kit " in conflicted
        and CONFLICT_KIT_LINE in conflicted
        and CONFLICT_PROJECT_LINE in conflicted,
        f"{DROPPED_FILE} stays deleted": not (project / DROPPED_FILE).exists(),
        f"{GONE_FILE} is deleted": not (project / GONE_FILE).exists(),
        f"{ADDED_FILE} is added": (project / ADDED_FILE).is_file(),
        f"the origin file records {version_b}": read_origin(project).version == version_b,
    }
    for path, heading in (
        (MERGED_FILE, "updated cleanly"),
        (CONFLICT_FILE, "CONFLICTS"),
        (ADDED_FILE, "added by the kit"),
        (GONE_FILE, "deleted by the kit"),
        (DROPPED_FILE, "deleted here and changed by the kit: not recreated"),
    ):
        expectations[f"the summary lists {path} under {heading!r}"] = _listed(
            trip.output, heading, path
        )
    return [name for name, held in expectations.items() if not held]


def run_round_trip(cli: list[str], release_a: Path, checkout: Path, work: Path) -> str:
    """Create a project with `cli` (version A), edit and commit it, update it to a version B.

    Returns a line for the log; raises when the updated project is not as expected.
    """
    started = time.monotonic()
    work.mkdir(parents=True, exist_ok=True)
    project = work / "demo-update"
    _run([*cli, "create", "Demo Update", "--path", str(project), "--no-lock"], work)
    edit_project(project)
    commit = ["git", *FALLBACK_IDENTITY, "commit", "--quiet", "--all", "--message", "Own edits"]
    _run(commit, project)
    version_b = make_version_b(checkout, work / "kit-b")
    done = subprocess.run(  # noqa: S603 (the CLI under test, fixed arguments)
        [*cli, "update", "--from", str(release_a), "--to", str(version_b.root), "--no-lock"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    trip = RoundTrip(project=project, exit_code=done.returncode, output=done.stdout)
    problems = check_round_trip(trip, version_b.version)
    if problems:
        raise ScaffoldError(f"update round trip: {'; '.join(problems)}\n{done.stdout}{done.stderr}")
    return (
        f"update round trip {release_at(checkout).version} -> {version_b.version}: edits kept, "
        f"kit change merged, conflict and deletions reported, in {time.monotonic() - started:.0f}s"
    )


def _listed(output: str, heading: str, path: str) -> bool:
    # The path appears, indented, in the section whose heading starts with `heading`.
    section = output.split(f"\n{heading}", 1)[-1] if f"\n{heading}" in output else ""
    entries = section.split("\n")[1:]
    for entry in entries:
        if not entry.startswith("  "):
            return False
        if entry.strip().split(" ")[0] == path:
            return True
    return False


def _append(path: Path, line: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text + ("" if text.endswith("\n") else "\n") + line, encoding="utf-8")


def _run(command: list[str], cwd: Path) -> None:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise ScaffoldError(f"{' '.join(command)} failed: {done.stderr.strip() or done.stdout}")
