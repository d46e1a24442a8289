"""The `fastapi-fusion` command line: exit 0 when done, 2 on a usage error, 1 on a failure."""

import argparse
import re
import shlex
import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from fastapi_fusion import __version__
from fastapi_fusion.edits import canonical_requirement
from fastapi_fusion.errors import ScaffoldError, UsageError
from fastapi_fusion.finishing import first_commit, lock
from fastapi_fusion.manifest import load_manifest
from fastapi_fusion.naming import ProjectName, parse_project_name
from fastapi_fusion.project import create_project, select_features
from fastapi_fusion.resource_add import add_parser
from fastapi_fusion.resource_add import run as add_resource
from fastapi_fusion.template_source import template_root
from fastapi_fusion.updating import add_update_command, run_update

PROG = "fastapi-fusion"
# The kit's distribution: a project may not take its name (nor the CLI's).
DISTRIBUTION = "fastapi-fusion-kit"
CLI_DISTRIBUTION = "fastapi-fusion-cli"
# The README's quickstart, run inside the new project (a unit test keeps them in step).
NEXT_STEPS = (
    "python3 -m venv .tools && .tools/bin/pip install --quiet 'nox[uv]' && .tools/bin/nox -s dev",
    ".tools/bin/nox -s unit",
)
_REQUIREMENT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


class _Parser(argparse.ArgumentParser):
    # argparse prints usage and exits on its own; the CLI wants one line and exit code 2.
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for `fastapi-fusion`."""
    parser = _Parser(
        prog=PROG,
        description="Write a renamed copy of the FastAPI Fusion Core app and its test harness.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    create = commands.add_parser(
        "create",
        help="create a new project",
        description="Create a new project that passes its own lint, typecheck and unit tests.",
    )
    create.add_argument("name", metavar="NAME", help="project name, e.g. 'my-shop' or 'My Shop'")
    create.add_argument(
        "--path",
        metavar="DIR",
        type=Path,
        help="the project directory (new or empty); default: ./<normalised NAME>",
    )
    create.add_argument(
        "--without",
        metavar="FEATURES",
        action="append",
        default=[],
        help="comma-separated features to leave out: mysql, mongo, graphql",
    )
    create.add_argument(
        "--no-lock", action="store_true", help="skip re-locking uv.lock (run `uv lock` later)"
    )
    create.add_argument(
        "--no-git", action="store_true", help="skip `git init` and the first commit"
    )
    add_parser(commands)
    add_update_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    try:
        args = build_parser().parse_args(argv)
        if args.command == "add":
            return add_resource(args)
        if args.command == "update":
            return run_update(args)
        if args.command != "create":
            raise UsageError("missing command (try: fastapi-fusion create NAME)")
        return _create(args)
    except UsageError as error:
        _fail(f"{error} (see {PROG} --help)")
        return error.exit_code
    except ScaffoldError as error:
        _fail(str(error))
        return error.exit_code
    except OSError as error:
        _fail(f"cannot write the project: {error}")
        return 1
    except SystemExit as done:
        # --help and --version finish through SystemExit; report their code instead.
        return done.code if isinstance(done.code, int) else 0


def _create(args: argparse.Namespace) -> int:
    manifest = load_manifest()
    source = template_root()
    name = parse_project_name(args.name, reserved=reserved_names(source / "pyproject.toml"))
    without = [item.strip() for value in args.without for item in value.split(",") if item.strip()]
    features = select_features(manifest, without, source)
    target = (args.path if args.path is not None else Path.cwd() / name.distribution).resolve()
    create_project(name, target, features, manifest, source)
    for feature, removal in features:
        if removal.empty:
            sys.stderr.write(f"note: --without {feature}: nothing to remove in this version\n")
    # The copied uv.lock is the kit's: the new name and any left-out feature change it.
    if not args.no_lock and not lock(target):
        sys.stderr.write("note: uv is not installed: run `uv lock` in the project first\n")
    if not args.no_git:
        first_commit(target, f"{name.title}: created with {PROG} {__version__}")
    _print_next_steps(name, target)
    return 0


def reserved_names(pyproject: Path) -> frozenset[str]:
    """Distribution names a project may not take: the kit's own and every one it requires."""
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    project = data.get("project", {})
    requirements: list[object] = list(project.get("dependencies", []))
    for group in (
        *project.get("optional-dependencies", {}).values(),
        *data.get("dependency-groups", {}).values(),
    ):
        requirements.extend(group)
    names = {DISTRIBUTION, CLI_DISTRIBUTION}
    for requirement in requirements:
        # Group includes are tables, not strings; they name no distribution.
        if isinstance(requirement, str) and (match := _REQUIREMENT_NAME.match(requirement)):
            names.add(canonical_requirement(match.group()))
    return frozenset(names)


def _print_next_steps(name: ProjectName, target: Path) -> None:
    print(f"Created {name.title} ({name.distribution}) in {target}")
    print("Next steps:")
    print(f"  cd {shlex.quote(str(target))}")
    for command in NEXT_STEPS:
        print(f"  {command}")


def _fail(reason: str) -> None:
    sys.stderr.write(f"{PROG}: error: {reason}\n")
