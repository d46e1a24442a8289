"""Writing a new project: copy the template, prune it, rename it, then move it into place."""

import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from fastapi_fusion import __version__
from fastapi_fusion.errors import ScaffoldError, UsageError
from fastapi_fusion.manifest import Manifest, Removal, landed_paths
from fastapi_fusion.naming import ProjectName
from fastapi_fusion.origin import write_origin
from fastapi_fusion.pruning import apply_removals
from fastapi_fusion.renaming import rename_project
from fastapi_fusion.template_source import copy_template


def select_features(
    manifest: Manifest, names: Sequence[str], source: Path
) -> list[tuple[str, Removal]]:
    """The manifest entries for `--without` names; unknown names are a usage error."""
    unknown = sorted(set(names) - set(manifest.features))
    if unknown:
        known = ", ".join(sorted(manifest.features))
        raise UsageError(f"unknown feature(s) for --without: {', '.join(unknown)} (known: {known})")
    for name in names:
        landed = landed_paths(source, name)
        # Never hand back a "lean" project that quietly still holds the feature.
        if manifest.features[name].empty and landed:
            raise ScaffoldError(
                f"--without {name} is not supported by this version: the feature has landed "
                f"({len(landed)} files, e.g. {landed[0]}) but its removal is not written yet"
            )
    return [(name, manifest.features[name]) for name in dict.fromkeys(names)]


def check_target(target: Path) -> None:
    """Refuse a target that is a file or a directory with anything in it."""
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise ScaffoldError(f"{target} exists and is not a directory")
    if target.is_dir() and any(target.iterdir()):
        raise ScaffoldError(f"{target} is not empty; choose a new or empty directory")


def create_project(
    name: ProjectName,
    target: Path,
    features: Sequence[tuple[str, Removal]],
    manifest: Manifest,
    source: Path,
) -> None:
    """Write the project named `name` into `target`, without the given features."""
    # Resolved first so `--path .` stages beside the directory, not inside it.
    target = target.resolve()
    check_target(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Built beside the target and moved in at the end: a failure leaves no half project.
    staging = Path(tempfile.mkdtemp(prefix=f".{name.distribution}-", dir=target.parent))
    try:
        copy_template(source, staging)
        apply_removals(staging, [("scaffolder", manifest.scaffolder), *features])
        left_out = {feature for feature, _ in features}
        renames = [rule for rule in manifest.renames if rule.feature not in left_out]
        rename_project(staging, name, renames)
        # The title parses back to the same name, so `update` can regenerate this project.
        write_origin(staging, __version__, name.title, [feature for feature, _ in features])
        _mark_scripts_executable(staging)
        _set_default_mode(staging)
        _move_into_place(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _move_into_place(staging: Path, target: Path) -> None:
    if not target.is_dir():
        staging.rename(target)
        return
    # An existing empty directory stays (it may be the user's working directory): fill it.
    for child in staging.iterdir():
        child.rename(target / child.name)
    staging.rmdir()


def _mark_scripts_executable(root: Path) -> None:
    # Wheels do not reliably keep file modes; a file that starts with `#!` is meant to run.
    for path in root.rglob("*"):
        if path.is_file() and _starts_with_shebang(path):
            path.chmod(path.stat().st_mode | 0o111)


def _starts_with_shebang(path: Path) -> bool:
    with path.open("rb") as stream:
        return stream.read(2) == b"#!"


def _set_default_mode(directory: Path) -> None:
    # mkdtemp makes a private (0700) directory; the project gets the user's usual mode.
    umask = os.umask(0)
    os.umask(umask)
    directory.chmod(0o777 & ~umask)
