"""Creating a project from this source tree: renamed, pruned of the scaffolder, no secrets."""

import importlib.util
import os
import re
import tomllib
from pathlib import Path

import pytest

from fastapi_fusion.errors import ScaffoldError
from fastapi_fusion.manifest import Manifest
from fastapi_fusion.naming import parse_project_name
from fastapi_fusion.origin import ORIGIN_FILE
from fastapi_fusion.project import check_target, create_project, select_features
from fastapi_fusion.renaming import retitle_readme, set_default
from fastapi_fusion.template_source import REQUIRED_ITEMS, copy_template


@pytest.fixture
def project(manifest: Manifest, repo_root: Path, tmp_path: Path) -> Path:
    """A full project named "My Shop", written into a new directory."""
    target = tmp_path / "my-shop"
    create_project(parse_project_name("My Shop"), target, [], manifest, repo_root)
    return target


def _texts(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): path.read_text(encoding="utf-8")
        for path in root.rglob("*")
        if path.is_file()
    }


def test_the_distribution_is_renamed_and_plain(project: Path) -> None:
    data = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    assert data["project"]["name"] == "my-shop"
    assert data["project"]["description"].startswith("My Shop: ")
    assert "scripts" not in data["project"]
    assert data["tool"]["setuptools"]["packages"]["find"]["include"] == ["app*"]
    assert set(data["tool"]["setuptools"]["package-data"]) == {"app.core.i18n"}
    assert data["tool"]["mypy"]["files"] == ["app", "tests", "bench"]


def test_titles_and_settings_default_take_the_name(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert (project / "README.md").read_text(encoding="utf-8").startswith("# My Shop\n")
    # Load the generated settings module under another name: `app` here is this repository's.
    spec = importlib.util.spec_from_file_location("generated_settings", project / "app/settings.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.delenv("PROJECT_NAME", raising=False)
    monkeypatch.chdir(project)
    assert module.AppSettings().project_name == "My Shop"
    for catalog in (project / "app" / "core" / "i18n" / "locales").glob("*.po"):
        text = catalog.read_text(encoding="utf-8")
        assert '"Project-Id-Version: my-shop\\n"' in text
        assert "of My Shop." in text.splitlines()[0]


def test_nothing_of_the_scaffolder_remains(project: Path) -> None:
    assert not (project / "fastapi_fusion").exists()
    assert not (project / "tests" / "unit" / "scaffolder").exists()
    assert not (project / "setup.py").exists()
    assert not (project / "MANIFEST.in").exists()
    texts = _texts(project)
    # The one deliberate trace: the origin file `fastapi-fusion update` reads.
    assert texts.pop(ORIGIN_FILE).startswith("# Which kit version")
    for relative, text in texts.items():
        assert "fastapi_fusion" not in text, relative
        assert "fastapi-fusion" not in text, relative
        assert "scaffold" not in text.lower(), relative


def test_the_kept_files_are_the_templates_own(project: Path, repo_root: Path) -> None:
    # Everything the scaffolder does not edit is byte-for-byte the repository's file.
    untouched = ["app/main.py", "app/core/envelope.py", "tests/unit/conftest.py"]
    for relative in untouched:
        assert (project / relative).read_bytes() == (repo_root / relative).read_bytes()
    assert (
        (project / "noxfile.py")
        .read_text()
        .startswith(
            (repo_root / "noxfile.py").read_text().split("@nox.session(venv_backend")[0].rstrip()
        )
    )


def test_names_that_would_collide_take_the_project_name(project: Path) -> None:
    settings = (project / "app" / "settings.py").read_text(encoding="utf-8")
    assert 'mongo_database: str = "my_shop"' in settings
    assert 'redis_key_prefix: str = "my_shop:"' in settings
    assert 'jwt_issuer: str = "my-shop"' in settings
    assert 'jwt_audience: str = "my-shop"' in settings
    throwaway = (project / "tests" / "harness" / "throwaway.py").read_text(encoding="utf-8")
    assert 'PREFIX = "my_shop_test_"' in throwaway
    env = (project / ".env.example").read_text(encoding="utf-8")
    assert "MONGO_DATABASE=my_shop\n" in env
    assert "REDIS_KEY_PREFIX=my_shop:\n" in env
    data = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    assert data["project"]["urls"]["Source"] == "https://github.com/YOUR-ACCOUNT/my-shop"
    assert '\nname = "my-shop"\n' in (project / "uv.lock").read_text(encoding="utf-8")
    assert "The My Shop authors" in (project / "LICENSE").read_text(encoding="utf-8")
    assert "My Shop created" in (project / "CHANGELOG.md").read_text(encoding="utf-8")


def test_the_kit_ci_machine_stays_behind(project: Path) -> None:
    run = (project / ".ci" / "run").read_text(encoding="utf-8")
    assert not (project / ".ci" / "services").exists()
    assert ".ci/services" not in run
    assert "127.0.0.1" not in run
    assert ".tools/bin/nox -s integration" in run


def test_python_files_still_parse_and_scripts_run(project: Path) -> None:
    for path in project.rglob("*.py"):
        compile(path.read_text(encoding="utf-8"), str(path), "exec")
    assert os.access(project / ".ci" / "run", os.X_OK)


def test_no_secret_is_written(project: Path) -> None:
    names = {path.name for path in project.rglob("*")}
    assert ".env" not in names
    assert not [name for name in names if name.endswith((".pem", ".key"))]
    pem_block = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")
    for relative, text in _texts(project).items():
        assert not pem_block.search(text), relative


def test_no_tool_state_is_copied(project: Path) -> None:
    names = {path.name for path in project.rglob("*")}
    assert not names & {"__pycache__", ".mypy_cache", ".pytest_cache", ".nox", ".git"}


def test_an_empty_target_is_used(manifest: Manifest, repo_root: Path, tmp_path: Path) -> None:
    target = tmp_path / "empty"
    target.mkdir()
    create_project(parse_project_name("shop"), target, [], manifest, repo_root)
    assert (target / "app" / "main.py").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]


def test_a_non_empty_target_is_refused(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(ScaffoldError, match="not empty"):
        check_target(tmp_path)
    with pytest.raises(ScaffoldError, match="not a directory"):
        check_target(tmp_path / "keep.txt")


def test_a_failure_leaves_nothing_behind(
    manifest: Manifest, repo_root: Path, tmp_path: Path
) -> None:
    broken = Manifest(
        scaffolder=manifest.scaffolder,
        features=manifest.features,
        renames=(
            *manifest.renames,
            type(manifest.renames[0])(files="nowhere/*", to="title", text="x"),
        ),
    )
    with pytest.raises(ScaffoldError, match="no file matches"):
        create_project(parse_project_name("shop"), tmp_path / "shop", [], broken, repo_root)
    assert list(tmp_path.iterdir()) == []


def test_a_feature_named_twice_is_removed_once(
    manifest: Manifest, repo_root: Path, tmp_path: Path
) -> None:
    features = select_features(manifest, ["graphql", "graphql"], repo_root)
    assert [name for name, _ in features] == ["graphql"]
    create_project(parse_project_name("lean"), tmp_path / "lean", features, manifest, repo_root)
    assert (tmp_path / "lean" / "app" / "main.py").is_file()
    assert not (tmp_path / "lean" / "tests" / "unit" / "graphql").exists()


def test_unknown_features_are_a_usage_error(manifest: Manifest, repo_root: Path) -> None:
    with pytest.raises(ScaffoldError, match=r"unknown feature.*redis") as caught:
        select_features(manifest, ["mysql", "redis"], repo_root)
    assert caught.value.exit_code == 2


def test_set_default_changes_only_the_named_field() -> None:
    tail = '    other: str = "old"\n\n\nclass B:\n    name: str = "old"\n'
    source = 'class A:\n    name: str = "old"  # why\n' + tail
    assert set_default(source, "A", "name", "New") == (
        'class A:\n    name: str = "New"  # why\n' + tail
    )
    with pytest.raises(ScaffoldError, match=r"no string default for A\.missing"):
        set_default(source, "A", "missing", "New")


def test_retitle_readme_needs_a_heading() -> None:
    assert retitle_readme("intro\n# Old\n\n## Part\n", "New") == "intro\n# New\n\n## Part\n"
    with pytest.raises(ScaffoldError, match="no top-level"):
        retitle_readme("## Part only\n", "New")


def test_secrets_and_tool_state_in_the_tree_are_not_copied(tmp_path: Path) -> None:
    source = tmp_path / "source"
    for item in REQUIRED_ITEMS:
        path = source / item / "keep.py" if "." not in item else source / item
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("kept\n")
    leftovers = ["app/.env", "app/jwt.pem", "tests/signing.key", "app/__pycache__/m.pyc"]
    for relative in leftovers:
        (source / relative).parent.mkdir(parents=True, exist_ok=True)
        (source / relative).write_text("secret\n")
    copy_template(source, tmp_path / "copy")
    assert (tmp_path / "copy" / "app" / "keep.py").is_file()
    assert not [relative for relative in leftovers if (tmp_path / "copy" / relative).exists()]


def test_the_working_directory_can_be_the_target(
    manifest: Manifest, repo_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    create_project(parse_project_name("shop"), Path("."), [], manifest, repo_root)
    assert (here / "app" / "main.py").is_file()
    assert Path.cwd() == here
    assert [path.name for path in tmp_path.iterdir()] == ["here"]
