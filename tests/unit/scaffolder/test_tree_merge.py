"""Merging two generated trees into a project, one outcome per case, on small trees."""

from pathlib import Path

import pytest

from fastapi_fusion.merging import Labels
from fastapi_fusion.origin import ORIGIN_FILE
from fastapi_fusion.tree_merge import Summary, merge_trees
from fastapi_fusion.updating import render_summary

LABELS = Labels(ours="project", base="kit 1", theirs="kit 2")


def _write(root: Path, files: dict[str, bytes | None]) -> None:
    for relative, data in files.items():
        if data is not None:
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)


def _merge(
    tmp_path: Path,
    base: dict[str, bytes | None],
    new: dict[str, bytes | None],
    mine: dict[str, bytes | None],
) -> Summary:
    for side, files in (("base", base), ("new", new), ("project", mine)):
        (tmp_path / side).mkdir()
        _write(tmp_path / side, files)
    return merge_trees(tmp_path / "project", tmp_path / "base", tmp_path / "new", LABELS)


@pytest.mark.parametrize(
    ("base", "new", "mine", "outcome", "result"),
    [
        # The kit changed a file the project left alone: the kit's version.
        (b"a\n", b"b\n", b"a\n", "updated", b"b\n"),
        # The kit added a file: written.
        (None, b"new\n", None, "added", b"new\n"),
        # The kit deleted a file the project left alone: deleted.
        (b"a\n", None, b"a\n", "deleted", None),
        # The kit deleted a file the project changed: kept.
        (b"a\n", None, b"mine\n", "kept", b"mine\n"),
        # The project deleted a file the kit changed: not recreated.
        (b"a\n", b"b\n", None, "not_recreated", None),
        # Both added the same path with different text: merged against nothing, a conflict.
        (None, b"kit\n", b"mine\n", "conflicts", None),
        # Both changed a binary file: the project's is kept, reported as a conflict.
        (b"\0a", b"\0b", b"\0c", "conflicts", b"\0c"),
    ],
)
def test_each_case_has_one_outcome(
    base: bytes | None,
    new: bytes | None,
    mine: bytes | None,
    outcome: str,
    result: bytes | None,
    tmp_path: Path,
) -> None:
    summary = _merge(tmp_path, {"f": base}, {"f": new}, {"f": mine})
    outcomes = {
        name: getattr(summary, name)
        for name in ("updated", "conflicts", "added", "deleted", "kept", "not_recreated")
    }
    assert [name for name, paths in outcomes.items() if paths] == [outcome]
    assert outcomes[outcome][0].split(" ")[0] == "f"
    path = tmp_path / "project" / "f"
    if outcome == "conflicts" and result is None:
        assert path.read_bytes() == b"<<<<<<< project\nmine\n=======\nkit\n>>>>>>> kit 2\n"
    elif result is None:
        assert not path.exists()
    else:
        assert path.read_bytes() == result


def test_files_the_kit_left_alone_are_not_touched_or_listed(tmp_path: Path) -> None:
    summary = _merge(
        tmp_path,
        {"same": b"x\n", "gone": b"y\n", "uv.lock": b"1\n", ORIGIN_FILE: b"1\n"},
        {"same": b"x\n", "gone": b"y\n", "uv.lock": b"2\n", ORIGIN_FILE: b"2\n"},
        {"same": b"mine\n", "uv.lock": b"mine\n", ORIGIN_FILE: b"mine\n"},
    )
    assert summary == Summary(deleted_here_unchanged=1)
    assert not (tmp_path / "project" / "gone").exists()
    # Never merged: the lock is re-made by uv and the origin file rewritten by `update`.
    assert (tmp_path / "project" / "uv.lock").read_bytes() == b"mine\n"
    assert (tmp_path / "project" / ORIGIN_FILE).read_bytes() == b"mine\n"
    assert render_summary(summary) == (
        "deleted here and unchanged by the kit: 1 (left deleted)\n"
        "no file changed: the kit's changes are already in the project"
    )


def test_a_script_the_kit_adds_stays_executable(tmp_path: Path) -> None:
    (tmp_path / "new" / "bin").mkdir(parents=True)
    script = tmp_path / "new" / "bin" / "run"
    script.write_text("#!/bin/sh\n", encoding="utf-8")
    script.chmod(0o755)
    (tmp_path / "base").mkdir()
    (tmp_path / "project").mkdir()
    summary = merge_trees(tmp_path / "project", tmp_path / "base", tmp_path / "new", LABELS)
    assert summary.added == ["bin/run"]
    assert (tmp_path / "project" / "bin" / "run").stat().st_mode & 0o111
