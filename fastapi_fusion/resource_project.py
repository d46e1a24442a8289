"""The project `add resource` writes into: where it is, what it has, and which names it holds."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from fastapi_fusion import __version__
from fastapi_fusion.errors import UsageError
from fastapi_fusion.resource_spec import ResourceName, ResourceSpec, Store

# Files a project root has; without them this is not a FastAPI Fusion project (or its root).
MARKERS = ("pyproject.toml", "app/main.py", "app/api/domains.py", "app/api/paths.py")
MIGRATIONS = "migrations/postgres/versions"
# Names the app, its tooling or its URLs already use, beyond its packages and modules.
RESERVED_NAMES = frozenset(
    {
        "api",
        "app",
        "admin",
        "docs",
        "graphql",
        "openapi",
        "redoc",
        "static",
        "tests",
        "alembic_version",
        "well_known",
        "pages",
        "resources",
    }
)
_REVISION = re.compile(r'^revision: str = "([^"]+)"', re.MULTILINE)
_DOWN_REVISION = re.compile(r'^down_revision: str \| None = (?:"([^"]+)"|None)', re.MULTILINE)
_PREFIX = re.compile(r'^API_PREFIX = "([^"]*)"', re.MULTILINE)
_PROJECT_IMPORT = re.compile(r"^(?:from|import) ((?:app|tests)(?:\.\w+)*)", re.MULTILINE)


@dataclass(frozen=True)
class Project:
    """A project root and the facts about it the generated code depends on."""

    root: Path
    api_prefix: str
    has_graphql: bool
    has_mongo: bool

    def read(self, relative: str) -> str:
        """The text of a project file."""
        return (self.root / relative).read_text(encoding="utf-8")

    def exists(self, relative: str) -> bool:
        """Whether the project holds this file or directory."""
        return (self.root / relative).exists()


def find_project(root: Path) -> Project:
    """The project at `root`; a usage error when `root` is not a project's root directory."""
    missing = [marker for marker in MARKERS if not (root / marker).is_file()]
    if missing or not (root / MIGRATIONS).is_dir():
        raise UsageError(
            f"{root} is not the root of a FastAPI Fusion project (no"
            f" {(missing or [MIGRATIONS])[0]}):"
            " run this where pyproject.toml and app/ are"
        )
    prefix = _PREFIX.search((root / "app/api/paths.py").read_text(encoding="utf-8"))
    if prefix is None:
        raise UsageError("app/api/paths.py declares no API_PREFIX")
    return Project(
        root=root,
        api_prefix=prefix.group(1),
        has_graphql=(root / "app/graphql/schema.py").is_file(),
        has_mongo=(root / "app/models/mongo/indexes.py").is_file(),
    )


@dataclass(frozen=True)
class Migration:
    """The next PostgreSQL migration: its number and the revision it follows."""

    number: int
    down_revision: str | None

    @property
    def revision(self) -> str:
        """The new revision's id."""
        return f"{self.number:04d}"


def next_migration(project: Project) -> Migration:
    """The migration after the last: numbered one past the highest, chained to the head."""
    revisions: dict[str, str | None] = {}
    highest = 0
    for path in sorted((project.root / MIGRATIONS).glob("[0-9]*.py")):
        text = path.read_text(encoding="utf-8")
        revision, down = _REVISION.search(text), _DOWN_REVISION.search(text)
        if revision is None or down is None:
            raise UsageError(f"{MIGRATIONS}/{path.name}: no `revision`/`down_revision` line")
        revisions[revision.group(1)] = down.group(1)
        number = re.match(r"[0-9]+", path.name)
        if number is not None:
            highest = max(highest, int(number.group()))
    heads = set(revisions) - set(revisions.values())
    if len(heads) > 1:
        raise UsageError(f"{MIGRATIONS} has several heads ({', '.join(sorted(heads))}): merge them")
    return Migration(number=highest + 1, down_revision=heads.pop() if heads else None)


def check_clashes(project: Project, spec: ResourceSpec) -> None:
    """Refuse a resource whose name the project already uses anywhere it would write."""
    name = spec.name
    if spec.store is Store.MONGO and not project.has_mongo:
        raise UsageError("--store mongo: this project has no MongoDB (created --without mongo)")
    taken = _taken_by(project, name)
    if taken is not None:
        raise UsageError(f"NAME {name.route!r} clashes with {taken}")


def check_imports(project: Project, files: Mapping[str, str]) -> None:
    """Refuse when the new code imports a project module the project lacks (an older project)."""
    for path, text in files.items():
        for module in _PROJECT_IMPORT.findall(text):
            relative = module.replace(".", "/")
            candidates = (f"{relative}.py", f"{relative}/__init__.py", relative)
            if not any(project.exists(c) or c in files for c in candidates):
                raise UsageError(
                    f"{path} would import {module}, which this project lacks: it was made"
                    f" by an older kit than this CLI ({__version__}); run"
                    " `fastapi-fusion update` first"
                )


def _taken_by(project: Project, name: ResourceName) -> str | None:
    for word in {name.plural, name.singular}:
        if word in RESERVED_NAMES:
            return f"a name the app reserves ({word})"
    for path in (
        f"app/api/{name.plural}",
        f"app/api/{name.plural}.py",
        f"app/models/postgres/{name.plural}.py",
        f"app/models/mongo/{name.plural}.py",
        f"app/graphql/{name.plural}.py",
        f"tests/behaviour/test_{name.plural}_api.py",
    ):
        if project.exists(path):
            return f"the existing {path}"
    # Tables, collections, routes and class names, wherever the app declares them.
    sources = [*project.root.glob("app/**/*.py"), *(project.root / MIGRATIONS).glob("*.py")]
    table = rf'__tablename__ = "{name.plural}"|create_table\(\s*"{name.plural}"'
    patterns = {
        f"the table {name.plural!r}": table,
        f"the collection {name.plural!r}": rf'^COLLECTION = "{name.plural}"',
        f"the route /{name.route}": rf'prefix="/{name.route}"',
        f"the class {name.cls}": rf"^class {name.cls}(?:Type|Page|Query|Mutation)?\b",
        f"the GraphQL type {name.cls}": rf'name="{name.cls}(?:Page|CreateInput|UpdateInput)?"',
    }
    for source in sources:
        text = source.read_text(encoding="utf-8")
        for what, pattern in patterns.items():
            if re.search(pattern, text, re.MULTILINE):
                return f"{what} ({source.relative_to(project.root)})"
    return None
