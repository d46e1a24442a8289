"""`fastapi-fusion add resource NAME`: write a CRUD resource into a project, or nothing at all.

Every file's new text is computed, and every check made, before the first one is written:
a refused name, a bad field spec or a project whose registries changed shape leaves the
project as it was.
"""

import argparse
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Any

from fastapi_fusion import (
    finishing,
    resource_api,
    resource_edits,
    resource_graphql,
    resource_snapshot,
)
from fastapi_fusion.errors import UsageError
from fastapi_fusion.resource_models import mongo_model, postgres_migration, postgres_model
from fastapi_fusion.resource_project import (
    MIGRATIONS,
    Project,
    check_clashes,
    check_imports,
    find_project,
    next_migration,
)
from fastapi_fusion.resource_spec import (
    FIELD_TYPES,
    ResourceSpec,
    Store,
    parse_fields,
    parse_resource_name,
    writers_of,
)
from fastapi_fusion.resource_tests import behaviour_tests

LANGUAGES = ("en", "ar", "hi")


def add_parser(commands: "argparse._SubParsersAction[Any]") -> None:
    """Declare `add resource NAME [options]` on the CLI's subcommands."""
    add = commands.add_parser("add", help="add a part to the project in this directory")
    kinds = add.add_subparsers(dest="kind", metavar="KIND")
    resource = kinds.add_parser(
        "resource",
        help="add a CRUD resource: REST, GraphQL, storage, migration, messages, tests",
        description="Write a CRUD resource into the project in the current directory.",
    )
    resource.add_argument("name", metavar="NAME", help="the plural, as in the URL: 'tags'")
    resource.add_argument(
        "--store", choices=[store.value for store in Store], default=Store.POSTGRES.value
    )
    resource.add_argument(
        "--fields",
        metavar="SPEC",
        default="name:str",
        help=f"NAME:TYPE,... with TYPE one of {', '.join(FIELD_TYPES)} (default: name:str)",
    )
    resource.add_argument(
        "--owned", action="store_true", help="rows belong to their creator: owner-or-admin writes"
    )
    resource.add_argument(
        "--admin-writes", action="store_true", help="only administrators create, change, delete"
    )
    resource.add_argument("--path", metavar="DIR", type=Path, help="the project root (default: .)")


def run(args: argparse.Namespace) -> int:
    """Carry out `add resource` from parsed arguments; returns the exit code."""
    if getattr(args, "kind", None) != "resource":
        raise UsageError("missing kind (try: fastapi-fusion add resource NAME)")
    spec = ResourceSpec(
        name=parse_resource_name(args.name),
        store=Store(args.store),
        writers=writers_of(owned=args.owned, admin_writes=args.admin_writes),
        fields=parse_fields(args.fields),
    )
    root = (args.path if args.path is not None else Path.cwd()).resolve()
    written = add_resource(root, spec, datetime.now(UTC).date())
    print(f"Added {spec.name.plural} ({spec.store.value}) to {root}:")
    for path in written:
        print(f"  {path}")
    # A failed refresh is a warning, not a failure: the resource itself is written.
    resource_snapshot.refresh_snapshot(root, finishing.uv_command())
    print("Next: nox -s lint typecheck unit")
    return 0


def planned_files(project: Project, spec: ResourceSpec, today: date) -> dict[str, str]:
    """Every file `add resource` writes, by path relative to the root, with its new text."""
    name = spec.name
    package = f"app/api/{name.plural}"
    files: dict[str, str] = {
        f"{package}/__init__.py": "",
        f"{package}/schema.py": resource_api.schema(spec),
        f"{package}/repository.py": resource_api.repository(spec),
        f"{package}/service.py": resource_api.service(spec),
        f"{package}/router.py": resource_api.router(spec),
        f"tests/behaviour/test_{name.plural}_api.py": behaviour_tests(
            spec, project.api_prefix, project.has_graphql
        ),
    }
    if spec.store is Store.POSTGRES:
        migration = next_migration(project)
        files[f"app/models/postgres/{name.plural}.py"] = postgres_model(spec)
        files[f"{MIGRATIONS}/{migration.revision}_{name.plural}.py"] = postgres_migration(
            spec, migration, today
        )
    else:
        files[f"app/models/mongo/{name.plural}.py"] = mongo_model(spec)
    if project.has_graphql:
        files[f"app/graphql/{name.plural}.py"] = resource_graphql.graphql_module(spec)
    taken = [path for path in files if project.exists(path)]
    if taken:
        raise UsageError(f"NAME {name.route!r} clashes with the existing {taken[0]}")
    return files


def planned_edits(project: Project, spec: ResourceSpec) -> dict[str, str]:
    """Every existing file `add resource` changes, with its new text."""
    name = spec.name
    changes: dict[str, Callable[[str], str]] = {
        "app/api/domains.py": lambda text: resource_edits.register_router(text, name.plural),
        "app/core/i18n/keys.py": resource_edits.add_message_keys,
    }
    for language in LANGUAGES:
        changes[f"app/core/i18n/locales/{language}.po"] = partial(
            resource_edits.add_catalog_messages, language=language
        )
    if spec.store is Store.POSTGRES:
        changes["app/models/postgres/__init__.py"] = lambda text: resource_edits.register_model(
            text, name.plural, name.cls
        )
    else:
        changes["app/models/mongo/indexes.py"] = lambda text: resource_edits.register_collection(
            text, name.plural
        )
    rest_rows, graphql_rows = resource_edits.access_rows(spec, project.api_prefix)
    tables = [("rest", rest_rows)] + ([("graphql", graphql_rows)] if project.has_graphql else [])
    if project.has_graphql:
        changes["app/graphql/schema.py"] = lambda text: resource_edits.register_graphql(
            text, name.plural
        )
    if project.exists("README.md"):

        def readme(text: str) -> str:
            for table, rows in tables:
                text = resource_edits.add_access_rows(text, table, rows)
            return text

        changes["README.md"] = readme
    edited = {path: change(project.read(path)) for path, change in changes.items()}
    return {path: text for path, text in edited.items() if text != project.read(path)}


def add_resource(root: Path, spec: ResourceSpec, today: date) -> list[str]:
    """Write the resource into the project at `root`; the paths written, new files first."""
    project = find_project(root)
    check_clashes(project, spec)
    files = planned_files(project, spec, today)
    check_imports(project, files)
    edits = planned_edits(project, spec)
    for path, text in {**files, **edits}.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return [*files, *edits]
