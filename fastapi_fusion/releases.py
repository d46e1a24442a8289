"""Where `update` finds a kit version: a checkout, a CLI wheel or sdist, or PyPI via pip.

Each version's scaffolder regenerates its own template (its manifest and edits may differ
from the running one), so a release is a directory from which `fastapi_fusion` imports.
"""

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from fastapi_fusion.errors import RefusedError, ScaffoldError
from fastapi_fusion.template_source import PACKAGE_DIR

CLI_DISTRIBUTION = "fastapi-fusion-cli"
_VERSION = re.compile(r'^__version__ = "([^"]+)"$', re.MULTILINE)


@dataclass(frozen=True)
class Release:
    """A kit version on disk: `root` holds the `fastapi_fusion` package of `version`."""

    root: Path
    version: str


def running_release() -> Release:
    """The release this CLI is: its own package and the template it carries."""
    return release_at(PACKAGE_DIR.parent)


def release_at(root: Path) -> Release:
    """The release whose `fastapi_fusion` package sits under `root`."""
    init = root / "fastapi_fusion" / "__init__.py"
    if not init.is_file():
        raise RefusedError(f"{root}: no fastapi_fusion package (want a kit checkout or CLI wheel)")
    match = _VERSION.search(init.read_text(encoding="utf-8"))
    if match is None:
        raise RefusedError(f"{init}: no __version__ line")
    return Release(root=root, version=match.group(1))


def open_release(source: Path, unpack_into: Path) -> Release:
    """The release at `source`: a directory, a `.whl`, or an sdist (unpacked into `unpack_into`)."""
    if source.is_dir():
        return release_at(source.resolve())
    if not source.is_file():
        raise RefusedError(f"{source}: no such file or directory")
    target = unpack_into / source.name
    if source.name.endswith(".whl"):
        with zipfile.ZipFile(source) as archive:
            # zipfile drops absolute paths and `..` from member names.
            archive.extractall(target)  # noqa: S202
        return release_at(target)
    if source.name.endswith((".tar.gz", ".tgz")):
        unpack_sdist(source, target)
        # An sdist holds one top directory; the package may sit below it.
        roots = sorted(init.parent.parent for init in target.glob("**/fastapi_fusion/__init__.py"))
        if roots:
            return release_at(roots[0])
        raise RefusedError(f"{source}: no fastapi_fusion package inside")
    raise RefusedError(f"{source}: not a directory, a .whl or a .tar.gz")


def unpack_sdist(source: Path, target: Path) -> None:
    """Unpack the sdist at `source` into `target`, refusing links, devices and escaping paths."""
    with tarfile.open(source) as archive:
        members = archive.getmembers()
        for member in members:
            name = PurePosixPath(member.name)
            if not (member.isfile() or member.isdir()) or name.is_absolute() or ".." in name.parts:
                reason = "only plain files and folders inside it"
                raise RefusedError(f"{source}: refused member {member.name!r} ({reason})")
        # The check above is the filter: Python before 3.11.4 (Debian 12 ships 3.11.2)
        # has no `filter=` argument, and the kit supports every 3.11.
        archive.extractall(target, members=members)  # noqa: S202


def cache_directory() -> Path:
    """Where fetched CLI wheels are kept, one directory per version."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "fastapi-fusion" / "releases"


def pip_command() -> list[str] | None:
    """How to run pip: beside this Python, else from PATH; None when there is none."""
    if importlib.util.find_spec("pip") is not None:
        return [sys.executable, "-m", "pip"]
    found = shutil.which("pip3") or shutil.which("pip")
    return [found] if found is not None else None


def fetch_release(version: str, cache: Path) -> Path:
    """The CLI wheel of `version`, downloaded with pip into `cache` unless already there."""
    folder = cache / version
    wheels = sorted(folder.glob("fastapi_fusion_cli-*.whl"))
    if wheels:
        return wheels[0]
    hint = f"pass --from PATH (a kit checkout or a {CLI_DISTRIBUTION} {version} wheel)"
    pip = pip_command()
    if pip is None:
        raise RefusedError(f"cannot fetch {CLI_DISTRIBUTION}=={version}: no pip found; {hint}")
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(  # noqa: S603 (pip with fixed arguments and a checked version)
        [
            *pip,
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary=:all:",
            "--dest",
            str(folder),
            f"{CLI_DISTRIBUTION}=={version}",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    wheels = sorted(folder.glob("fastapi_fusion_cli-*.whl"))
    if done.returncode != 0 or not wheels:
        reason = (done.stderr.strip().splitlines() or ["no wheel downloaded"])[-1]
        raise RefusedError(f"cannot fetch {CLI_DISTRIBUTION}=={version} ({reason}); {hint}")
    return wheels[0]


def generate(release: Release, name: str, options: list[str], target: Path) -> None:
    """Write the project `name` with `options` into `target`, with `release`'s own scaffolder."""
    # -P and a neutral working directory: only `release.root` provides `fastapi_fusion`.
    command = [sys.executable, "-P", "-m", "fastapi_fusion", "create", name, "--path", str(target)]
    done = subprocess.run(  # noqa: S603 (this Python, the release's own CLI)
        [*command, *options, "--no-lock", "--no-git"],
        cwd=target.parent,
        env={**os.environ, "PYTHONPATH": str(release.root), "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise ScaffoldError(f"cannot regenerate version {release.version}'s template: {reason}")
