"""Taking features out of a freshly copied project, as the manifest describes."""

import shutil
from collections.abc import Callable, Collection, Sequence
from functools import partial
from pathlib import Path

from fastapi_fusion import edits
from fastapi_fusion.manifest import Edit, Move, Removal

PYPROJECT = "pyproject.toml"
# Bytes every block marker holds, to skip reading the files without one.
MARKER_TEXT = b" fusion:"

_LineEdit = Callable[[list[str]], list[str]]


def apply_removals(root: Path, removals: Sequence[tuple[str, Removal]]) -> None:
    """Apply each labelled removal under `root`: edits, requirements, moves, paths, markers."""
    # Edits run before any path goes, so one feature may edit a file another feature deletes.
    # Two features may name the same edit (both need a shared line gone): it applies once.
    done: set[Edit] = set()
    for label, removal in removals:
        for edit in removal.edits:
            if edit not in done:
                done.add(edit)
                _edit_file(root, label, edit.file, _line_edit(edit))
    for label, removal in removals:
        if removal.dependencies:
            names = set(removal.dependencies)
            _edit_file(root, label, PYPROJECT, partial(edits.drop_requirements, names=names))
    for label, removal in removals:
        for move in removal.moves:
            _move_file(root, label, move)
    doomed = [(label, relative) for label, removal in removals for relative in removal.paths]
    # Check every path first: two features may name the same file, or a file inside another's.
    for label, relative in doomed:
        if not _exists(root / relative):
            raise edits.EditError(f"{label}: {relative}: no such file or directory")
    for _, relative in doomed:
        _remove_path(root / relative)
    prune_markers(root, {label for label, _ in removals})


def marked_files(root: Path) -> list[Path]:
    """The text files under `root` holding a block marker (`fusion:NAME begin`)."""
    return sorted(
        path
        for path in root.rglob("*")
        if path.is_file() and not path.is_symlink() and MARKER_TEXT in path.read_bytes()
    )


def prune_markers(root: Path, removed: Collection[str]) -> None:
    """Drop the marked blocks of the `removed` features under `root`, and every marker line."""
    # Last, on the files that are left: a marked block is never a target of a line edit.
    for path in marked_files(root):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        try:
            kept = edits.prune_marked(lines, removed)
        except edits.EditError as error:
            raise edits.EditError(f"{path.relative_to(root)}: {error}") from error
        path.write_text("".join(kept), encoding="utf-8")


def _line_edit(edit: Edit) -> _LineEdit:
    target = edit.target
    if edit.action == "drop_line":
        return lambda lines: edits.drop_line(lines, target)
    if edit.action == "replace_line":
        replacement = edit.replacement or ""
        return lambda lines: edits.replace_line(lines, target, replacement)
    if edit.action == "drop_definition":
        return lambda lines: edits.drop_definition(lines, target)
    if edit.action == "drop_section":
        return lambda lines: edits.drop_section(lines, target)
    if edit.action == "drop_table":
        return lambda lines: edits.drop_table(lines, target)
    raise edits.EditError(f"unknown edit action {edit.action!r}")


def _edit_file(root: Path, label: str, relative: str, change: _LineEdit) -> None:
    path = root / relative
    if not path.is_file():
        raise edits.EditError(f"{label}: {relative}: no such file")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    try:
        changed = change(lines)
    except edits.EditError as error:
        raise edits.EditError(f"{label}: {relative}: {error}") from error
    path.write_text("".join(changed), encoding="utf-8")


def _move_file(root: Path, label: str, move: Move) -> None:
    # Moves run after the edits, so an edit names a moved file by where it was.
    source, target = root / move.source, root / move.target
    if not source.is_file():
        raise edits.EditError(f"{label}: {move.source}: no such file to move")
    if _exists(target):
        raise edits.EditError(f"{label}: {move.target}: already exists, not moving onto it")
    target.parent.mkdir(parents=True, exist_ok=True)
    source.rename(target)


def _exists(path: Path) -> bool:
    return path.exists() or path.is_symlink()


def _remove_path(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif _exists(path):
        path.unlink()
