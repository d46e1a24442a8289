"""`python -m app`: operator commands."""

import argparse
import asyncio
import logging
import sys
from typing import NoReturn, cast

from pydantic import ValidationError

from app.api.admins.commands import add_admin_command, run_admin_command
from app.core.security.key_commands import add_key_commands, run_key_command
from app.core.serve import add_serve_command, run_serve_command
from app.database.migrations import add_db_command, run_db_command
from app.settings import ServerSettings, get_settings

PROG = "python -m app"


class CommandError(Exception):
    """A refusal the command reports in one line (exit 2 for usage, 1 otherwise)."""

    def __init__(self, reason: str, exit_code: int = 1) -> None:
        super().__init__(reason)
        self.exit_code = exit_code


class _Parser(argparse.ArgumentParser):
    # argparse prints usage and the error on two lines; every error here is one line.
    def error(self, message: str) -> NoReturn:
        raise CommandError(f"{message} (see {PROG} --help)", exit_code=2)


def main(argv: list[str] | None = None) -> int:
    """Run the chosen command; any failure is one line on stderr and a non-zero exit code."""
    try:
        return _run(argv)
    except CommandError as error:
        return _fail(str(error), error.exit_code)
    except ValidationError as error:
        # A refused setting (production's refusals among them): the first problem suffices.
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        return _fail(f"invalid settings: {where + ': ' if where else ''}{first['msg']}", 1)
    except Exception as error:  # the one place a crash becomes one line, not a traceback
        return _fail(f"{type(error).__name__}: {_one_line(str(error))}", 1)


def _run(argv: list[str] | None) -> int:
    parser = _Parser(prog=PROG, description="Operator commands.")
    # Every parser below is a _Parser (argparse passes the class down); the registration
    # functions only need the ArgumentParser side of it.
    commands = cast(
        "argparse._SubParsersAction[argparse.ArgumentParser]",
        parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser),
    )
    add_db_command(commands)
    add_key_commands(commands)
    add_admin_command(commands)
    add_serve_command(commands)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if args.command == "serve":
        # Settings are read by each worker as it imports the app; only these are needed here.
        return run_serve_command(args, ServerSettings())
    if args.command == "keys":
        return run_key_command(args, get_settings().auth, sys.stdout)
    if args.command == "admin":
        return asyncio.run(
            run_admin_command(args, get_settings(), sys.stdin, sys.stdout, sys.stderr)
        )
    return asyncio.run(run_db_command(args, get_settings().database))


def _one_line(text: str) -> str:
    return " ".join(text.split()) or "no details"


def _fail(reason: str, exit_code: int) -> int:
    sys.stderr.write(f"{PROG}: error: {_one_line(reason)}\n")
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
