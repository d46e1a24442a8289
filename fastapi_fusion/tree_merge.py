"""Bringing the change between two generated trees (kit versions A and B) into a project."""

from dataclasses import dataclass, field
from pathlib import Path

from fastapi_fusion.merging import Labels, merge_texts
from fastapi_fusion.origin import ORIGIN_FILE

# Never merged: the origin file is rewritten after the merge, and a lock file is re-made by
# uv from the merged pyproject.toml (a textual merge of two lock files is no lock file).
NOT_MERGED = frozenset({ORIGIN_FILE, "uv.lock"})


@dataclass
class Summary:
    """What an update did, file by file (paths relative to the project, POSIX spelling)."""

    updated: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    not_recreated: list[str] = field(default_factory=list)
    # Deleted in the project and unchanged by the kit: nothing to bring, only counted.
    deleted_here_unchanged: int = 0

    @property
    def changed(self) -> bool:
        """Whether the update wrote or removed any file."""
        return bool(self.updated or self.conflicts or self.added or self.deleted)


def merge_trees(project: Path, base: Path, new: Path, labels: Labels) -> Summary:
    """Apply the change from `base` to `new` to `project`, three-way, file by file."""
    summary = Summary()
    for relative in sorted((_files(base) | _files(new)) - NOT_MERGED):
        _merge_file(relative, project / relative, base / relative, new / relative, labels, summary)
    return summary


def _merge_file(
    relative: str, mine: Path, old: Path, new: Path, labels: Labels, summary: Summary
) -> None:
    old_data, new_data, my_data = _read(old), _read(new), _read(mine)
    if old_data == new_data:
        if old_data is not None and my_data is None:
            summary.deleted_here_unchanged += 1
        return
    if my_data == new_data:
        return  # The project already has the new version's file (or both deleted it).
    if new_data is None:
        if my_data == old_data:
            mine.unlink()
            summary.deleted.append(relative)
        else:
            summary.kept.append(relative)
        return
    if my_data is None:
        if old_data is None:
            _write(mine, new_data, new)
            summary.added.append(relative)
        else:
            summary.not_recreated.append(relative)
        return
    if my_data == old_data:
        _write(mine, new_data, new)
        summary.updated.append(relative)
        return
    texts = [_text(data) for data in (old_data or b"", my_data, new_data)]
    if any(text is None for text in texts):
        summary.conflicts.append(f"{relative} (binary: the project's file is kept)")
        return
    old_text, my_text, new_text = (text or "" for text in texts)
    merged = merge_texts(old_text, my_text, new_text, labels)
    _write(mine, merged.text.encode("utf-8"), new)
    (summary.conflicts if merged.conflicts else summary.updated).append(relative)


def _files(root: Path) -> set[str]:
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


def _read(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


def _text(data: bytes) -> str | None:
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _write(path: Path, data: bytes, like: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    # The kit's scripts stay executable in the project.
    if like.stat().st_mode & 0o111:
        path.chmod(path.stat().st_mode | 0o111)
