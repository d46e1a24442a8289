"""The shipped manifest is well-formed, names only what exists, and the parser is strict."""

import itertools
from pathlib import Path
from typing import Any

import pytest

from fastapi_fusion.edits import EditError, inline_marker, marked_blocks, marker
from fastapi_fusion.manifest import (
    Edit,
    Manifest,
    ManifestError,
    Move,
    Removal,
    landed_paths,
    parse_manifest,
)
from fastapi_fusion.pruning import apply_removals, marked_files
from fastapi_fusion.template_source import OPTIONAL_ITEMS, REQUIRED_ITEMS, copy_template

FEATURES = ("mysql", "mongo", "graphql")


def _named_paths(manifest: Manifest) -> list[str]:
    removals = [manifest.scaffolder, *manifest.features.values()]
    return (
        [path for removal in removals for path in removal.paths]
        + [edit.file for removal in removals for edit in removal.edits]
        + [move.source for removal in removals for move in removal.moves]
    )


def test_the_promised_features_are_declared(manifest: Manifest) -> None:
    assert set(manifest.features) == set(FEATURES)
    assert all(removal.summary for removal in manifest.features.values())


@pytest.mark.parametrize("feature", FEATURES)
def test_a_landed_feature_has_an_entry(manifest: Manifest, repo_root: Path, feature: str) -> None:
    # Once files named for a feature exist, `--without` must take them out: an empty entry
    # would then quietly leave the feature in every "lean" project.
    landed = landed_paths(repo_root, feature)
    assert not (manifest.features[feature].empty and landed), (
        f"{feature} has landed ({', '.join(landed)}): list its paths, dependencies and "
        f"edits under [features.{feature}] in fastapi_fusion/features.toml"
    )


def test_every_named_path_exists_in_the_repository(manifest: Manifest, repo_root: Path) -> None:
    named = _named_paths(manifest)
    assert named, "the scaffolder removal names no path at all"
    missing = [path for path in named if not (repo_root / path).exists()]
    assert missing == []


def test_every_named_path_is_inside_the_template(manifest: Manifest) -> None:
    # A path outside the template would exist in the repository but never in a project.
    items = (*REQUIRED_ITEMS, *OPTIONAL_ITEMS)
    targets = [move.target for removal in manifest.features.values() for move in removal.moves]
    named = _named_paths(manifest) + targets
    outside = [p for p in named if not any(p == i or p.startswith(f"{i}/") for i in items)]
    assert outside == []


# Every combination `--without` accepts: two entries must never edit one line both ways.
SELECTIONS = [
    combination
    for size in range(len(FEATURES) + 1)
    for combination in itertools.combinations(FEATURES, size)
]


@pytest.mark.parametrize("features", SELECTIONS, ids=lambda names: ",".join(names) or "none")
def test_each_selection_applies_to_the_template(
    manifest: Manifest, repo_root: Path, tmp_path: Path, features: tuple[str, ...]
) -> None:
    # Applying entries is the real consistency check: every line, definition, heading,
    # table, requirement and move they name must be found, or the edit raises.
    copy_template(repo_root, tmp_path)
    removals = [("scaffolder", manifest.scaffolder)]
    removals += [(feature, manifest.features[feature]) for feature in features]
    apply_removals(tmp_path, removals)
    assert (tmp_path / "app" / "main.py").is_file()
    for path in tmp_path.rglob("*.py"):
        compile(path.read_text(encoding="utf-8"), str(path), "exec")


def test_every_block_marker_names_a_removal_and_is_balanced(
    manifest: Manifest, repo_root: Path, tmp_path: Path
) -> None:
    # A misspelt name would keep its block in every project that leaves the feature out.
    copy_template(repo_root, tmp_path)
    known = {"scaffolder", *manifest.features}
    named: set[str] = set()
    for path in marked_files(tmp_path):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        named |= {feature for feature, _, _ in marked_blocks(lines)}
        named |= {found[0] for line in lines if (found := inline_marker(line)) is not None}
    assert named <= known, f"markers name no removal: {sorted(named - known)}"
    assert named == known, "every removal is expected to mark some block"


def test_a_generated_project_keeps_no_marker(
    manifest: Manifest, repo_root: Path, tmp_path: Path
) -> None:
    copy_template(repo_root, tmp_path)
    apply_removals(tmp_path, [("scaffolder", manifest.scaffolder)])
    left = [
        f"{path.relative_to(tmp_path)}:{number}"
        for path in marked_files(tmp_path)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if marker(line) is not None or inline_marker(line) is not None
    ]
    assert left == []


def test_renames_name_existing_files(manifest: Manifest, repo_root: Path) -> None:
    assert manifest.renames
    for rule in manifest.renames:
        assert any(repo_root.glob(rule.files)), rule.files


def _manifest(data: dict[str, Any]) -> Manifest:
    return parse_manifest({"scaffolder": {"summary": "s"}, **data})


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"features": {"x": {"summary": "x", "path": []}}}, "unknown key"),
        ({"features": {"x": {"paths": []}}}, "summary must be a non-empty string"),
        ({"features": {"x": {"summary": "x", "paths": ["../etc"]}}}, "inside the project"),
        ({"features": {"x": {"summary": "x", "paths": ["/etc"]}}}, "inside the project"),
        ({"features": {"x": {"summary": "x", "edits": [{"file": "a"}]}}}, "exactly one of"),
        (
            {
                "features": {
                    "x": {"summary": "x", "edits": [{"file": "a", "drop_line": "b", "with": "c"}]}
                }
            },
            "'with' goes with replace_line",
        ),
        ({"rename": [{"files": "a", "to": "title"}]}, "exactly one of 'setting' or 'text'"),
        ({"rename": [{"files": "a", "to": "slug", "text": "t"}]}, "rename.to must be one of"),
        ({"rename": [{"files": "a", "to": "title", "setting": "field"}]}, "Class.field"),
        ({"extra": {}}, "unknown key"),
        ({"features": {"x": {"summary": "x", "moves": [{"from": "a"}]}}}, "non-empty string"),
        ({"features": {"x": {"summary": "x", "moves": [{"from": "a", "to": "a"}]}}}, "onto itself"),
        (
            {"features": {"x": {"summary": "x", "moves": [{"from": "a", "to": "../b"}]}}},
            "inside the project",
        ),
    ],
)
def test_the_parser_refuses_malformed_entries(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ManifestError, match=message):
        _manifest(data)


def _write(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


# A test-only feature, "extra", spread over modules, routes, settings, dependencies, tests and
# README the way a real one is: the mechanism is proved here before real entries need it.
FIXTURE_PROJECT = {
    "app/main.py": (
        "from app.api.extra.router import router as extra_router\n"
        "from app.api.health.router import router as health_router\n"
        "\n\ndef routes() -> list[object]:\n"
        "    return [\n        health_router,\n        extra_router,\n    ]\n"
    ),
    "app/api/extra/router.py": "router = object()\n",
    "app/api/health/router.py": "router = object()\n",
    "app/settings.py": (
        "class AppSettings:\n    name: str = 'x'\n\n\n"
        "class ExtraSettings:\n    url: str = 'extra://'\n\n\n"
        "class Settings:\n    app: AppSettings\n    extra: ExtraSettings\n"
    ),
    "tests/unit/test_extra.py": "def test_extra() -> None:\n    pass\n",
    "pyproject.toml": (
        '[project]\nname = "p"\ndependencies = [\n'
        '    "fastapi>=0.115",\n    "extra-driver>=1",\n]\n'
        '\n[dependency-groups]\ntest = [\n    "pytest>=8",\n    "extra-fake>=2",\n]\n'
    ),
    "README.md": (
        "# P\n\n| variable | meaning |\n| --- | --- |\n| `EXTRA_URL` | where extra lives |\n"
        "| `OTHER` | kept |\n\n## Extra\n\nAll about extra.\n\n## Kept\n\nText.\n"
    ),
}
EXTRA = Removal(
    summary="the extra store",
    paths=("app/api/extra", "tests/unit/test_extra.py"),
    dependencies=("extra-driver", "extra-fake"),
    edits=(
        Edit("app/main.py", "drop_line", "from app.api.extra.router import router as extra_router"),
        Edit("app/main.py", "drop_line", "extra_router,"),
        Edit("app/settings.py", "drop_definition", "ExtraSettings"),
        Edit("app/settings.py", "drop_line", "extra: ExtraSettings"),
        Edit("README.md", "drop_line", "| `EXTRA_URL` | where extra lives |"),
        Edit("README.md", "drop_section", "## Extra"),
    ),
)


def test_a_fixture_feature_is_removed_coherently(tmp_path: Path) -> None:
    _write(tmp_path, FIXTURE_PROJECT)
    apply_removals(tmp_path, [("extra", EXTRA)])
    assert not (tmp_path / "app/api/extra").exists()
    assert not (tmp_path / "tests/unit/test_extra.py").exists()
    assert (tmp_path / "app/api/health/router.py").exists()
    assert (tmp_path / "app/main.py").read_text() == (
        "from app.api.health.router import router as health_router\n"
        "\n\ndef routes() -> list[object]:\n    return [\n        health_router,\n    ]\n"
    )
    assert (tmp_path / "app/settings.py").read_text() == (
        "class AppSettings:\n    name: str = 'x'\n\n\nclass Settings:\n    app: AppSettings\n"
    )
    assert (tmp_path / "pyproject.toml").read_text() == (
        '[project]\nname = "p"\ndependencies = [\n    "fastapi>=0.115",\n]\n'
        '\n[dependency-groups]\ntest = [\n    "pytest>=8",\n]\n'
    )
    assert (tmp_path / "README.md").read_text() == (
        "# P\n\n| variable | meaning |\n| --- | --- |\n| `OTHER` | kept |\n\n## Kept\n\nText.\n"
    )


def test_a_drifted_entry_fails_and_names_the_feature(tmp_path: Path) -> None:
    _write(tmp_path, FIXTURE_PROJECT)
    drifted = Removal(summary="s", edits=(Edit("app/main.py", "drop_line", "import gone"),))
    with pytest.raises(EditError, match=r"extra: app/main\.py: no line 'import gone'"):
        apply_removals(tmp_path, [("extra", drifted)])


def test_a_missing_path_fails_before_anything_is_deleted(tmp_path: Path) -> None:
    _write(tmp_path, FIXTURE_PROJECT)
    removal = Removal(summary="s", paths=("app/api/extra", "app/api/ghost"))
    with pytest.raises(EditError, match="app/api/ghost: no such file"):
        apply_removals(tmp_path, [("extra", removal)])
    assert (tmp_path / "app/api/extra/router.py").exists()


def test_overlapping_paths_of_two_features_are_fine(tmp_path: Path) -> None:
    _write(tmp_path, FIXTURE_PROJECT)
    first = Removal(summary="a", paths=("app/api/extra",))
    second = Removal(summary="b", paths=("app/api/extra/router.py",))
    apply_removals(tmp_path, [("a", first), ("b", second)])
    assert not (tmp_path / "app/api/extra").exists()


def test_a_moved_file_is_edited_where_it_was_then_moved(tmp_path: Path) -> None:
    _write(tmp_path, FIXTURE_PROJECT)
    removal = Removal(
        summary="extra goes; its router stays under health",
        paths=("app/api/extra",),
        edits=(Edit("app/api/extra/router.py", "replace_line", "router = object()", "moved = 1"),),
        moves=(Move("app/api/extra/router.py", "app/api/health/extra.py"),),
    )
    assert not removal.empty
    apply_removals(tmp_path, [("extra", removal)])
    assert (tmp_path / "app/api/health/extra.py").read_text() == "moved = 1\n"
    assert not (tmp_path / "app/api/extra").exists()


def test_a_move_never_overwrites(tmp_path: Path) -> None:
    _write(tmp_path, FIXTURE_PROJECT)
    removal = Removal(
        summary="s", moves=(Move("app/api/extra/router.py", "app/api/health/router.py"),)
    )
    with pytest.raises(EditError, match=r"app/api/health/router\.py: already exists"):
        apply_removals(tmp_path, [("extra", removal)])
    assert (tmp_path / "app/api/health/router.py").read_text() == "router = object()\n"


def test_an_edit_two_features_share_applies_once(tmp_path: Path) -> None:
    _write(tmp_path, FIXTURE_PROJECT)
    shared = Edit("app/main.py", "drop_line", "extra_router,")
    first = Removal(summary="a", edits=(shared,))
    second = Removal(summary="b", edits=(shared,))
    apply_removals(tmp_path, [("a", first), ("b", second)])
    assert "extra_router," not in (tmp_path / "app/main.py").read_text().split()


def test_an_empty_feature_changes_nothing(tmp_path: Path) -> None:
    _write(tmp_path, FIXTURE_PROJECT)
    empty = Removal(summary="not landed yet")
    assert empty.empty
    apply_removals(tmp_path, [("later", empty)])
    for relative, text in FIXTURE_PROJECT.items():
        assert (tmp_path / relative).read_text() == text
