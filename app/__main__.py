"""`python -m app`: operator commands."""

import argparse
import sys

from app.core.security.key_commands import add_key_commands, run_key_command
from app.settings import get_settings


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the chosen command."""
    parser = argparse.ArgumentParser(prog="python -m app", description="Operator commands.")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    add_key_commands(subparsers)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    if args.command == "keys":
        return run_key_command(args, get_settings().auth, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
