"""Three-way merge of one file: git's and the Python fallback agree on what merges and what not."""

import random
import shutil
from collections.abc import Callable

import pytest

from fastapi_fusion import merging
from fastapi_fusion.merging import Labels, Merged, git_merge, merge_texts, python_merge

LABELS = Labels(ours="project", base="kit 1.0.0", theirs="kit 1.1.0")
BASE = "".join(f"line {number}\n" for number in range(1, 11))

Merge = Callable[[str, str, str, Labels], Merged]
MERGES = [
    pytest.param(python_merge, id="python"),
    pytest.param(
        git_merge,
        id="git",
        marks=pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
    ),
]


def _edit(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new)


@pytest.mark.parametrize("merge", MERGES)
def test_changes_on_different_lines_both_stay(merge: Merge) -> None:
    ours = _edit(BASE, "line 2\n", "line 2 (project)\n")
    theirs = _edit(BASE, "line 9\n", "line 9 (kit)\n") + "line 11 (kit)\n"
    merged = merge(BASE, ours, theirs, LABELS)
    assert merged.conflicts == 0
    assert merged.text == _edit(theirs, "line 2\n", "line 2 (project)\n")


@pytest.mark.parametrize("merge", MERGES)
def test_a_change_on_the_same_line_is_a_conflict_with_markers(merge: Merge) -> None:
    ours = _edit(BASE, "line 5\n", "line 5 (project)\n")
    theirs = _edit(_edit(BASE, "line 5\n", "line 5 (kit)\n"), "line 9\n", "line 9 (kit)\n")
    merged = merge(BASE, ours, theirs, LABELS)
    assert merged.conflicts == 1
    conflict = "<<<<<<< project\nline 5 (project)\n=======\nline 5 (kit)\n>>>>>>> kit 1.1.0\n"
    # The conflict sits where the line was; the kit's change elsewhere still merged.
    assert merged.text == _edit(_edit(BASE, "line 5\n", conflict), "line 9\n", "line 9 (kit)\n")


@pytest.mark.parametrize("merge", MERGES)
def test_the_same_change_on_both_sides_merges_cleanly(merge: Merge) -> None:
    both = _edit(BASE, "line 3\n", "line 3 (fixed)\n")
    assert merge(BASE, both, both, LABELS) == Merged(text=both, conflicts=0)


@pytest.mark.parametrize("merge", MERGES)
def test_different_lines_added_at_one_place_conflict(merge: Merge) -> None:
    merged = merge(BASE, BASE + "project\n", BASE + "kit\n", LABELS)
    assert merged.conflicts == 1
    assert merged.text.endswith("<<<<<<< project\nproject\n=======\nkit\n>>>>>>> kit 1.1.0\n")


@pytest.mark.parametrize("merge", MERGES)
def test_two_conflicts_are_counted(merge: Merge) -> None:
    ours = _edit(_edit(BASE, "line 1\n", "one (project)\n"), "line 10\n", "ten (project)\n")
    theirs = _edit(_edit(BASE, "line 1\n", "one (kit)\n"), "line 10\n", "ten (kit)\n")
    merged = merge(BASE, ours, theirs, LABELS)
    assert merged.conflicts == 2
    assert merged.text.count("<<<<<<< project\n") == 2


@pytest.mark.parametrize("merge", MERGES)
def test_a_file_added_on_both_sides_merges_against_nothing(merge: Merge) -> None:
    same = merge("", "shared\n", "shared\n", LABELS)
    assert same == Merged(text="shared\n", conflicts=0)
    assert merge("", "project\n", "kit\n", LABELS).conflicts == 1


def test_a_last_line_without_newline_still_gets_its_marker_on_a_new_line() -> None:
    merged = python_merge("a\nb", "a\nb (project)", "a\nb (kit)", LABELS)
    assert merged.conflicts == 1
    assert merged.text == "a\n<<<<<<< project\nb (project)\n=======\nb (kit)\n>>>>>>> kit 1.1.0\n"


def test_without_git_the_python_merge_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_git(*args: object) -> Merged:
        raise AssertionError("git_merge ran with no git installed")

    monkeypatch.setenv("PATH", "")
    monkeypatch.setattr(merging, "git_merge", no_git)
    ours = _edit(BASE, "line 5\n", "line 5 (project)\n")
    theirs = _edit(BASE, "line 5\n", "line 5 (kit)\n")
    assert merge_texts(BASE, ours, theirs, LABELS) == python_merge(BASE, ours, theirs, LABELS)


def _random_edit(lines: list[str], rng: random.Random) -> list[str]:
    edited = list(lines)
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(len(edited) + 1)
        action = rng.choice(["insert", "delete", "replace"])
        if action == "insert":
            edited.insert(at, f"inserted {rng.random():.6f}\n")
        elif at < len(edited):
            edited[at : at + 1] = [] if action == "delete" else [f"changed {rng.random():.6f}\n"]
    return edited


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_the_python_merge_agrees_with_git_on_random_edits() -> None:
    # Seeded, so every run checks the same 150 cases: both merges call the same ones clean,
    # with the same text (conflicts may be drawn differently, so only their presence counts).
    rng = random.Random(18)  # noqa: S311 (test data, not secrets)
    for case in range(150):
        base = [f"line {number}\n" for number in range(rng.randint(0, 30))]
        ours, theirs = ("".join(_random_edit(base, rng)) for _ in range(2))
        by_git = git_merge("".join(base), ours, theirs, LABELS)
        by_python = python_merge("".join(base), ours, theirs, LABELS)
        assert (by_git.conflicts == 0) == (by_python.conflicts == 0), case
        if by_git.conflicts == 0:
            assert by_python.text == by_git.text, case
