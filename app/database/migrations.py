"""Alembic, one environment per relational role, driven from the app (`python -m app db`)."""

import argparse
import functools
import logging
import shutil
import subprocess
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from app.database.mysql import create_mysql
from app.database.postgres import create_postgres
from app.database.sql import SQLDatabase
from app.settings import DatabaseSettings

logger = logging.getLogger("app.migrations")

ROLES = ("postgres", "mysql")
MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


def alembic_config(role: str, connection: Connection | None = None) -> Config:
    """The Alembic configuration of `role`'s environment, bound to `connection` if given."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR / role))
    config.attributes["connection"] = connection
    return config


class MigrationRefusedError(RuntimeError):
    """A migration command that cannot run as asked; the message says what to do."""


def next_revision_id(role: str) -> str:
    """The next number in `role`'s sequence of revisions: 0001, 0002, ..."""
    scripts = ScriptDirectory.from_config(alembic_config(role))
    numbers = [
        int(script.revision) for script in scripts.walk_revisions() if script.revision.isdigit()
    ]
    return f"{max(numbers, default=0) + 1:04d}"


def _apply(connection: Connection, role: str, action: str, revision: str, message: str) -> None:
    config = alembic_config(role, connection)
    if action == "upgrade":
        command.upgrade(config, revision)
    elif action == "downgrade":
        command.downgrade(config, revision)
    else:
        _autogenerate(connection, config, role, message)


def _autogenerate(connection: Connection, config: Config, role: str, message: str) -> None:
    # Autogenerate compares the models with a database at head. The embedded SQLite file is
    # the app's own (it migrates it at startup anyway), so bring it there; a server is the
    # operator's, so say what to run instead.
    if not _at_head(connection, role):
        if connection.dialect.name != "sqlite":
            raise MigrationRefusedError(
                f"the {role} database is not at head: run `python -m app db upgrade "
                f"--engine {role}` first"
            )
        command.upgrade(config, "head")
    written = command.revision(
        config, message=message, autogenerate=True, rev_id=next_revision_id(role)
    )
    scripts = written if isinstance(written, list) else [written]
    _tidy([Path(script.path) for script in scripts if script is not None])


def _tidy(paths: list[Path]) -> None:
    # Alembic's output breaks the project's lint (long lines, unused imports); ruff, which
    # `uv run` installs with the dev group, fixes and formats it the way `nox -s lint` checks.
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    if not Path(ruff).is_file():
        logger.warning("ruff is not installed: run `nox -s lint` on %s", ", ".join(map(str, paths)))
        return
    files = [str(path) for path in paths]
    for step in (["check", "--fix", "--quiet"], ["format", "--quiet"]):
        subprocess.run([ruff, *step, *files], check=False)  # noqa: S603 (ruff on our own files)


async def migrate(
    database: SQLDatabase, action: str = "upgrade", revision: str = "head", message: str = ""
) -> None:
    """Run `action` (upgrade, downgrade or revision) on `database` in one transaction."""
    async with database.engine.begin() as connection:
        await connection.run_sync(_apply, database.name, action, revision, message)


@functools.cache
def head_revisions(role: str) -> frozenset[str]:
    """The head revision(s) of `role`'s scripts, read once (they cannot change while running)."""
    return frozenset(ScriptDirectory.from_config(alembic_config(role)).get_heads())


def _at_head(connection: Connection, role: str) -> bool:
    current = MigrationContext.configure(connection).get_current_heads()
    return frozenset(current) == head_revisions(role)


async def is_at_head(database: SQLDatabase) -> bool:
    """Whether `database` has every migration of its role: one query, no script is run."""
    # `migrate` at head changes nothing, but loads and runs Alembic's environment to find
    # that out (tens of milliseconds at each app start); reading the version table suffices.
    async with database.engine.connect() as connection:
        return await connection.run_sync(_at_head, database.name)


def add_db_command(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register `db upgrade|downgrade|revision` on the `python -m app` parser."""
    db = subparsers.add_parser("db", help="database migrations")
    actions = db.add_subparsers(dest="action", required=True, metavar="ACTION")
    upgrade = actions.add_parser("upgrade", help="migrate up (to head by default)")
    upgrade.add_argument("revision", nargs="?", default="head")
    downgrade = actions.add_parser("downgrade", help="migrate down to REVISION (e.g. base, -1)")
    downgrade.add_argument("revision")
    revision = actions.add_parser("revision", help="autogenerate a migration from the models")
    revision.add_argument("-m", "--message", required=True)
    revision.set_defaults(revision="head")
    for parser in (upgrade, downgrade):
        parser.add_argument("--engine", choices=(*ROLES, "all"), default="all")
    revision.add_argument("--engine", choices=ROLES, required=True)


async def run_db_command(args: argparse.Namespace, settings: DatabaseSettings) -> int:
    """Run the parsed `db` command against the configured databases; 0 on success."""
    roles = ROLES if args.engine == "all" else (args.engine,)
    factories = {"postgres": create_postgres, "mysql": create_mysql}
    for role in roles:
        database = factories[role](settings)
        try:
            logger.info("%s %s to %s", role, args.action, args.revision)
            await migrate(database, args.action, args.revision, getattr(args, "message", ""))
        finally:
            await database.engine.dispose()
    return 0
