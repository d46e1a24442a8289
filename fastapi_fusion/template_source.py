"""Which repository files make up the template, and where the template is found at run time.

The build (`setup.py`) copies these files into the wheel; in a source checkout the scaffolder
reads them straight from the repository. Either way there is one copy of `app/` in git.
"""

import shutil
from collections.abc import Iterator
from pathlib import Path

from fastapi_fusion.errors import ScaffoldError

# Paths relative to the repository root. Required ones fail the build when missing; optional
# ones are copied when present, so a feature can add them without touching this list.
REQUIRED_ITEMS = (
    "app",
    "tests",
    "bench",
    "noxfile.py",
    "pyproject.toml",
    "README.md",
    "LICENSE",
    "CHANGELOG.md",
    "uv.lock",
    ".gitignore",
    ".env.example",
    ".ci/run",
)
OPTIONAL_ITEMS = (
    "migrations",
    "alembic.ini",
    ".github/workflows/ci.yml",
    # Production: the image, the compose stack, the Kubernetes base and their CI job.
    "Dockerfile",
    ".dockerignore",
    "compose.yaml",
    "deploy",
    ".github/workflows/container.yml",
)
# `.ci/services` is not among them: it starts this kit's CI machine's servers (Debian
# packages), where a generated project's `.ci/run` takes servers by URL.
# Tool state, byte code and secrets that may sit in a working tree but never belong in a
# project (the secrets mirror .gitignore).
IGNORED_NAMES = (
    ".env",
    "*.pem",
    "*.key",
    "__pycache__",
    "*.py[cod]",
    "*.egg-info",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".hypothesis",
    ".tools",
    ".nox",
    ".venv",
    "var",
    ".DS_Store",
)
PACKAGE_DIR = Path(__file__).resolve().parent
# Where the build puts the template inside the installed package.
BUNDLED_TEMPLATE = PACKAGE_DIR / "template"


class TemplateMissingError(ScaffoldError):
    """A required template file is absent from the source tree."""


def template_items(root: Path) -> Iterator[str]:
    """The template paths present under `root`; raises when a required one is missing."""
    for item in REQUIRED_ITEMS:
        if not (root / item).exists():
            raise TemplateMissingError(f"template file {item!r} is missing under {root}")
        yield item
    yield from (item for item in OPTIONAL_ITEMS if (root / item).exists())


def copy_template(source: Path, destination: Path) -> None:
    """Copy the template files from `source` (a repository or a bundle) into `destination`."""
    ignore = shutil.ignore_patterns(*IGNORED_NAMES)
    for item in template_items(source):
        origin, target = source / item, destination / item
        target.parent.mkdir(parents=True, exist_ok=True)
        if origin.is_dir():
            shutil.copytree(origin, target, ignore=ignore, dirs_exist_ok=True)
        else:
            shutil.copy2(origin, target)


def source_checkout() -> Path | None:
    """The repository root when this package runs from a source checkout, else None."""
    root = PACKAGE_DIR.parent
    return root if (root / "pyproject.toml").is_file() and (root / "app").is_dir() else None


def template_root() -> Path:
    """Where to read the template from: the bundle in the wheel, else the source checkout."""
    if BUNDLED_TEMPLATE.is_dir():
        return BUNDLED_TEMPLATE
    root = source_checkout()
    if root is None:
        raise TemplateMissingError(
            "no template found: this installation of fastapi-fusion-cli carries no template"
        )
    return root
