"""`fastapi-fusion update`: a project at version A (this checkout), edited, updated to a B."""

import io
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from fastapi_fusion import __version__, releases
from fastapi_fusion.cli import main
from fastapi_fusion.errors import RefusedError
from fastapi_fusion.finishing import first_commit
from fastapi_fusion.manifest import Manifest
from fastapi_fusion.naming import parse_project_name
from fastapi_fusion.origin import ORIGIN_FILE, read_origin
from fastapi_fusion.project import create_project, select_features
from fastapi_fusion.releases import Release, fetch_release, generate, open_release
from fastapi_fusion.update_check import (
    ADDED_FILE,
    CONFLICT_FILE,
    CONFLICT_KIT_LINE,
    CONFLICT_PROJECT_LINE,
    DROPPED_FILE,
    GONE_FILE,
    KIT_LINE,
    MERGED_FILE,
    PROJECT_LINE,
    RoundTrip,
    check_round_trip,
    edit_project,
    make_version_b,
)
from tests.command_line import one_line_error


@pytest.fixture(scope="module")
def version_b(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Release:
    """This checkout as a kit release one version later, with known changes."""
    return make_version_b(repo_root, tmp_path_factory.mktemp("kit") / "b")


def _project(
    manifest: Manifest, repo_root: Path, target: Path, without: tuple[str, ...] = ()
) -> Path:
    features = select_features(manifest, without, repo_root)
    create_project(parse_project_name("My Shop"), target, features, manifest, repo_root)
    return target


@pytest.fixture
def project_a(manifest: Manifest, repo_root: Path, tmp_path: Path) -> Path:
    """A full project "My Shop" made by this checkout (version A), without git."""
    return _project(manifest, repo_root, tmp_path / "my-shop")


def _update(
    project: Path, capsys: pytest.CaptureFixture[str], *options: str
) -> tuple[int, str, str]:
    code = main(["update", "--path", str(project), "--no-lock", *options])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _tree(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in root.rglob("*")
        if path.is_file() and ".git" not in path.relative_to(root).parts
    }


@pytest.mark.parametrize("git", [True, False], ids=["git merge-file", "python merge"])
def test_the_project_keeps_its_edits_and_takes_the_kits_change(
    git: bool,
    project_a: Path,
    version_b: Release,
    repo_root: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    edit_project(project_a)
    if not git:
        # The CLI runs its subprocesses with this Python's absolute path: only git goes.
        monkeypatch.setenv("PATH", "")
    code, out, _ = _update(project_a, capsys, "--from", str(repo_root), "--to", str(version_b.root))
    merged = (project_a / MERGED_FILE).read_text(encoding="utf-8")
    assert PROJECT_LINE in merged
    assert merged.endswith(KIT_LINE)
    conflicted = (project_a / CONFLICT_FILE).read_text(encoding="utf-8")
    assert conflicted.endswith(
        f"<<<<<<< project\n{CONFLICT_PROJECT_LINE}=======\n{CONFLICT_KIT_LINE}"
        f">>>>>>> kit {version_b.version}\n"
    )
    assert not (project_a / DROPPED_FILE).exists()
    assert not (project_a / GONE_FILE).exists()
    assert (project_a / ADDED_FILE).is_file()
    assert code == 1
    assert f"CONFLICTS: resolve the <<<<<<< ======= >>>>>>> blocks (1):\n  {CONFLICT_FILE}\n" in out
    assert f"not recreated (1):\n  {DROPPED_FILE}\n" in out
    assert read_origin(project_a).version == version_b.version
    assert check_round_trip(RoundTrip(project_a, code, out), version_b.version) == []


@pytest.mark.parametrize("without", [(), ("graphql",)], ids=["full", "without graphql"])
def test_an_unedited_project_becomes_what_version_b_creates(
    without: tuple[str, ...],
    manifest: Manifest,
    repo_root: Path,
    version_b: Release,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    project = _project(manifest, repo_root, tmp_path / "my-shop", without)
    code, out, _ = _update(project, capsys, "--from", str(repo_root), "--to", str(version_b.root))
    assert code == 0, out
    assert "CONFLICTS" not in out
    options = ["--without", ",".join(without)] if without else []
    generate(version_b, "My Shop", options, tmp_path / "fresh")
    # Byte for byte, the origin file (now naming B and the same options) included.
    assert _tree(project) == _tree(tmp_path / "fresh")
    assert read_origin(project).without == without


def test_a_directory_that_is_no_generated_project_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _update(tmp_path, capsys)
    assert code == 2
    assert f"is not a generated project (no {ORIGIN_FILE}" in one_line_error(err, "fastapi-fusion")
    assert out == ""
    assert list(tmp_path.iterdir()) == []


def test_uncommitted_changes_are_refused_unless_forced(
    project_a: Path, version_b: Release, repo_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first_commit(project_a, "created")
    edit_project(project_a)
    before = _tree(project_a)
    code, _, err = _update(project_a, capsys, "--from", str(repo_root), "--to", str(version_b.root))
    assert code == 2
    assert "has uncommitted changes: commit or stash them first" in one_line_error(
        err, "fastapi-fusion"
    )
    assert _tree(project_a) == before
    forced = ("--force", "--from", str(repo_root), "--to", str(version_b.root))
    code, _, _ = _update(project_a, capsys, *forced)
    assert code == 1
    assert (project_a / MERGED_FILE).read_text(encoding="utf-8").endswith(KIT_LINE)


def test_the_same_version_is_refused(
    project_a: Path, repo_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _tree(project_a)
    # By default the new version is the running CLI's: this checkout, the project's own.
    code, _, err = _update(project_a, capsys)
    assert code == 2
    assert f"already at version {__version__}" in one_line_error(err, "fastapi-fusion")
    assert _tree(project_a) == before


def test_a_base_of_another_version_is_refused(
    project_a: Path, version_b: Release, capsys: pytest.CaptureFixture[str]
) -> None:
    kit_b = str(version_b.root)
    code, _, err = _update(project_a, capsys, "--from", kit_b, "--to", kit_b)
    assert code == 2
    line = one_line_error(err, "fastapi-fusion")
    assert f"is version {version_b.version}, but the project records {__version__}" in line


def test_an_unfetchable_recorded_version_asks_for_from(
    project_a: Path,
    version_b: Release,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    failing = [sys.executable, "-c", "import sys; sys.exit('ERROR: No matching distribution')"]
    monkeypatch.setattr(releases, "pip_command", lambda: failing)
    before = _tree(project_a)
    code, _, err = _update(project_a, capsys, "--to", str(version_b.root))
    assert code == 2
    line = one_line_error(err, "fastapi-fusion")
    assert f"cannot fetch fastapi-fusion-cli=={__version__} (ERROR: No matching" in line
    assert "pass --from PATH" in line
    assert _tree(project_a) == before
    monkeypatch.setattr(releases, "pip_command", lambda: None)
    code, _, err = _update(project_a, capsys, "--to", str(version_b.root))
    assert code == 2
    assert "no pip found; pass --from PATH" in one_line_error(err, "fastapi-fusion")


def test_a_fetched_wheel_is_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A stand-in for pip: writes a wheel's name into --dest, as `pip download` would.
    script = (
        "import sys, pathlib; args = sys.argv[1:]; "
        "dest = pathlib.Path(args[args.index('--dest') + 1]); "
        "(dest / 'fastapi_fusion_cli-1.2.3-py3-none-any.whl').write_bytes(b'wheel')"
    )
    monkeypatch.setattr(releases, "pip_command", lambda: [sys.executable, "-c", script])
    wheel = fetch_release("1.2.3", tmp_path)
    assert wheel == tmp_path / "1.2.3" / "fastapi_fusion_cli-1.2.3-py3-none-any.whl"
    monkeypatch.setattr(releases, "pip_command", lambda: pytest.fail("pip ran again"))
    assert fetch_release("1.2.3", tmp_path) == wheel


def test_a_release_opens_from_a_checkout_a_wheel_or_an_sdist(
    repo_root: Path, tmp_path: Path
) -> None:
    init = '"""The package."""\n\n__version__ = "9.8.7"\n'
    wheel = tmp_path / "fastapi_fusion_cli-9.8.7-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("fastapi_fusion/__init__.py", init)
    sdist_files = tmp_path / "fastapi_fusion_cli-9.8.7" / "fastapi_fusion"
    sdist_files.mkdir(parents=True)
    (sdist_files / "__init__.py").write_text(init, encoding="utf-8")
    sdist = tmp_path / "fastapi_fusion_cli-9.8.7.tar.gz"
    with tarfile.open(sdist, "w:gz") as archive:
        archive.add(sdist_files.parent, arcname=sdist_files.parent.name)
    unpacked = tmp_path / "unpacked"
    assert open_release(wheel, unpacked).version == "9.8.7"
    assert open_release(sdist, unpacked).version == "9.8.7"
    assert open_release(repo_root, unpacked) == Release(root=repo_root, version=__version__)
    (tmp_path / "no-package").mkdir()
    (tmp_path / "notes.txt").write_text("not a release", encoding="utf-8")
    for bad, reason in (
        ("missing", "no such file or directory"),
        ("no-package", "no fastapi_fusion package"),
        ("notes.txt", "not a directory, a .whl or a .tar.gz"),
    ):
        with pytest.raises(RefusedError, match=reason):
            open_release(tmp_path / bad, unpacked)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("../escaped.py", tarfile.REGTYPE),
        ("/etc/escaped.py", tarfile.REGTYPE),
        ("pkg/link", tarfile.SYMTYPE),
    ],
)
def test_an_sdist_with_a_member_outside_its_folder_is_refused(
    tmp_path: Path, name: str, kind: bytes
) -> None:
    sdist = tmp_path / "fastapi_fusion_cli-9.8.7.tar.gz"
    with tarfile.open(sdist, "w:gz") as archive:
        member = tarfile.TarInfo(name)
        member.type = kind
        member.linkname = "/etc/passwd" if kind == tarfile.SYMTYPE else ""
        archive.addfile(member, io.BytesIO(b""))
    with pytest.raises(RefusedError, match="refused member"):
        open_release(sdist, tmp_path / "unpacked")
    assert not (tmp_path / "escaped.py").exists()
    assert not (tmp_path / "unpacked").exists()


def test_help_names_the_sources(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "update" in capsys.readouterr().out
    assert main(["update", "--help"]) == 0
    out = capsys.readouterr().out
    for option in ("--from SOURCE", "--to SOURCE", "--force", "--no-lock", "--path DIR"):
        assert option in out
    assert main(["update", "--colour", "red"]) == 2
    assert "unrecognized arguments: --colour red" in one_line_error(
        capsys.readouterr().err, "fastapi-fusion"
    )
