"""`python -m app`: operator commands."""

import argparse
import asyncio
import logging
import sys

from app.api.admins.commands import add_admin_command, run_admin_command
from app.core.security.key_commands import add_key_commands, run_key_command
from app.core.serve import add_serve_command, run_serve_command
from app.database.migrations import add_db_command, run_db_command
from app.settings import ServerSettings, get_settings


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the chosen command."""
    parser = argparse.ArgumentParser(prog="python -m app", description="Operator commands.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
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


if __name__ == "__main__":
    sys.exit(main())
