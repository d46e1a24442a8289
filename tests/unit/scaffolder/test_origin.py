"""The origin file: what `create` records and what `update` reads back."""

from pathlib import Path

import pytest

from fastapi_fusion import __version__
from fastapi_fusion.errors import RefusedError
from fastapi_fusion.manifest import Manifest
from fastapi_fusion.naming import parse_project_name
from fastapi_fusion.origin import (
    ORIGIN_FILE,
    Origin,
    read_origin,
    render_origin,
    write_origin,
)
from fastapi_fusion.project import create_project, select_features


def test_create_records_the_version_name_and_left_out_features(
    manifest: Manifest, repo_root: Path, tmp_path: Path
) -> None:
    features = select_features(manifest, ["graphql", "mysql"], repo_root)
    create_project(parse_project_name("my_shop"), tmp_path / "p", features, manifest, repo_root)
    origin = read_origin(tmp_path / "p")
    assert origin == Origin(version=__version__, name="My Shop", without=("graphql", "mysql"))
    assert origin.create_arguments() == ["--without", "graphql,mysql"]
    assert Origin(version="1", name="x").create_arguments() == []


@pytest.mark.parametrize("raw", ["my-shop", "My API", "shop_2 go", "a.b..c", "  Big   Deal "])
def test_the_recorded_title_names_the_same_project(raw: str) -> None:
    # `create` records the title; regenerating from it must give every spelling back.
    name = parse_project_name(raw)
    assert parse_project_name(name.title) == name


def test_the_file_round_trips_any_string(tmp_path: Path) -> None:
    write_origin(tmp_path, "1.0.0rc1", 'Odd "quoted" \\ name', ["mysql"])
    assert read_origin(tmp_path) == Origin("1.0.0rc1", 'Odd "quoted" \\ name', ("mysql",))
    assert (tmp_path / ORIGIN_FILE).read_text(encoding="utf-8") == render_origin(
        read_origin(tmp_path)
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("version = 1\n", r"no \[origin\] table"),
        ("[origin]\nname = 'x'\n", "needs string values for 'version' and 'name'"),
        ("[origin]\nversion = '1'\nname = ''\n", "needs string values"),
        ("[origin]\nversion = '1'\nname = 'x'\nwithout = 'mongo'\n", "must be a list"),
        ("[origin\n", "cannot read it"),
    ],
)
def test_a_malformed_file_is_a_usage_error(text: str, reason: str, tmp_path: Path) -> None:
    (tmp_path / ORIGIN_FILE).write_text(text, encoding="utf-8")
    with pytest.raises(RefusedError, match=reason) as raised:
        read_origin(tmp_path)
    assert raised.value.exit_code == 2
