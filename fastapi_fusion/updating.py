"""`fastapi-fusion update`: bring a newer kit version's changes into a generated project.

The project's recorded version (A) and the new one (B) are regenerated with the project's
options into a scratch directory; the change from A to B is merged into the project three-way.
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from fastapi_fusion.errors import RefusedError
from fastapi_fusion.finishing import lock
from fastapi_fusion.merging import Labels
from fastapi_fusion.origin import ORIGIN_FILE, Origin, read_origin, write_origin
from fastapi_fusion.releases import (
    Release,
    cache_directory,
    fetch_release,
    generate,
    open_release,
    running_release,
)
from fastapi_fusion.tree_merge import Summary, merge_trees


def add_update_command(commands: "argparse._SubParsersAction[Any]") -> None:
    """Add `update` and its options to the CLI's subcommands."""
    update = commands.add_parser(
        "update",
        help="bring a newer kit version's changes into this project",
        description=(
            "Regenerate the template at the project's recorded version and at the new one, "
            "and merge the difference into the project, three-way, file by file."
        ),
    )
    update.add_argument(
        "--from",
        dest="base",
        metavar="SOURCE",
        type=Path,
        help="the recorded version: a kit checkout, or a fastapi-fusion-cli wheel or sdist; "
        "default: pip download fastapi-fusion-cli==<recorded version> (cached)",
    )
    update.add_argument(
        "--to",
        dest="new",
        metavar="SOURCE",
        type=Path,
        help="the version to update to, in the same forms; default: this CLI's own template",
    )
    update.add_argument(
        "--path", metavar="DIR", type=Path, default=Path(), help="the project; default: ."
    )
    update.add_argument(
        "--force", action="store_true", help="update even with uncommitted changes in git"
    )
    update.add_argument(
        "--no-lock", action="store_true", help="skip re-locking uv.lock (run `uv lock` later)"
    )


def run_update(args: argparse.Namespace) -> int:
    """Update the project; 0 when merged cleanly, 1 when conflicts are left to resolve."""
    project = args.path.resolve()
    origin = read_origin(project)
    if not args.force:
        refuse_uncommitted(project)
    with tempfile.TemporaryDirectory(prefix="fastapi-fusion-update-") as scratch:
        work = Path(scratch)
        new = running_release() if args.new is None else open_release(args.new, work / "to")
        if new.version == origin.version:
            raise RefusedError(
                f"the project is already at version {origin.version}; nothing to update "
                "(pass --to SOURCE for another version)"
            )
        base = _recorded_release(origin, args.base, work / "from")
        generate(base, origin.name, origin.create_arguments(), work / "base")
        generate(new, origin.name, origin.create_arguments(), work / "new")
        labels = Labels(ours="project", base=f"kit {base.version}", theirs=f"kit {new.version}")
        summary = merge_trees(project, work / "base", work / "new", labels)
    write_origin(project, new.version, origin.name, origin.without)
    print(f"Updated {origin.name} from kit {origin.version} to {new.version} in {project}")
    print(render_summary(summary))
    _relock(project, summary, skip=args.no_lock)
    return 1 if summary.conflicts else 0


def _recorded_release(origin: Origin, source: Path | None, unpack_into: Path) -> Release:
    if source is None:
        source = fetch_release(origin.version, cache_directory())
    release = open_release(source, unpack_into)
    if release.version != origin.version:
        raise RefusedError(
            f"--from {source} is version {release.version}, but the project records "
            f"{origin.version} in {ORIGIN_FILE}; pass that version's checkout or wheel"
        )
    return release


def refuse_uncommitted(project: Path) -> None:
    """Refuse a git work tree with uncommitted changes: the merge must be easy to review."""
    if shutil.which("git") is None:
        return
    done = subprocess.run(
        ["git", "status", "--porcelain"],  # noqa: S607 (git from PATH, as the user runs it)
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    # Not a git work tree (git fails): nothing to protect beyond what the user keeps.
    if done.returncode == 0 and done.stdout.strip():
        raise RefusedError(
            f"{project} has uncommitted changes: commit or stash them first (or pass --force)"
        )


def render_summary(summary: Summary) -> str:
    """The summary printed after an update, one section per kind of outcome."""
    sections = [
        ("updated cleanly", summary.updated),
        ("CONFLICTS: resolve the <<<<<<< ======= >>>>>>> blocks", summary.conflicts),
        ("added by the kit", summary.added),
        ("deleted by the kit", summary.deleted),
        ("deleted by the kit but changed here: kept, delete them if unused", summary.kept),
        ("deleted here and changed by the kit: not recreated", summary.not_recreated),
    ]
    lines = [
        line
        for title, paths in sections
        if paths
        for line in (f"{title} ({len(paths)}):", *(f"  {path}" for path in paths))
    ]
    if summary.deleted_here_unchanged:
        lines.append(
            f"deleted here and unchanged by the kit: {summary.deleted_here_unchanged} "
            "(left deleted)"
        )
    if not summary.changed:
        lines.append("no file changed: the kit's changes are already in the project")
    return "\n".join(lines)


def _relock(project: Path, summary: Summary, skip: bool) -> None:
    # The merged pyproject.toml may require other versions: the lock must follow it.
    if "pyproject.toml" in summary.conflicts:
        sys.stderr.write("note: resolve pyproject.toml, then run `uv lock`\n")
    elif "pyproject.toml" in summary.updated and (skip or not lock(project)):
        sys.stderr.write("note: pyproject.toml changed: run `uv lock` in the project\n")
