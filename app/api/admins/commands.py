"""`python -m app admin create`: the only way to add an administrator (no public sign-up)."""

import argparse
import getpass
from typing import TextIO

from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from app.api.admins.service import create_admin
from app.api.auth.schema import Email, Username
from app.core.errors import AppError, ConflictError
from app.core.security.passwords import PasswordHasher, check_password_rules
from app.database.migrations import migrate
from app.database.mysql import create_mysql
from app.database.session import unit_of_work
from app.settings import Settings

# Exit statuses: 0 done, 1 could not be done (taken, database down), 2 bad input.
OK, FAILED, USAGE = 0, 1, 2


class InputProblemError(Exception):
    """The operator's input breaks a rule; the message is the one-line reason."""


def add_admin_command(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register `admin create` on the `python -m app` parser."""
    admin = subparsers.add_parser("admin", help="manage administrator accounts")
    actions = admin.add_subparsers(dest="admin_command", metavar="ACTION", required=True)
    create = actions.add_parser("create", help="add an administrator (password never in argv)")
    create.add_argument("--username", required=True)
    create.add_argument("--email", required=True)
    create.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of stdin (for scripts)",
    )


def read_password(args: argparse.Namespace, stdin: TextIO) -> str:
    """The new password: stdin's first line, or typed twice at a terminal."""
    if args.password_stdin:
        return stdin.readline().rstrip("\r\n")
    if not stdin.isatty():
        raise InputProblemError("no terminal to prompt on: pass --password-stdin")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Repeat password: "):
        raise InputProblemError("the passwords differ")
    return first


def _checked(args: argparse.Namespace, password: str) -> tuple[str, str, str]:
    try:
        username = TypeAdapter(Username).validate_python(args.username)
        email = TypeAdapter(Email).validate_python(args.email)
    except PydanticValidationError as exc:
        field = exc.errors()[0]["msg"]
        raise InputProblemError(f"invalid username or email: {field}") from exc
    try:
        check_password_rules(password)
    except ValueError as exc:
        raise InputProblemError(str(exc)) from exc
    return username, email, password


async def run_admin_command(
    args: argparse.Namespace, settings: Settings, stdin: TextIO, out: TextIO, err: TextIO
) -> int:
    """Run the parsed `admin` action; writes one line and returns the exit status."""
    try:
        username, email, password = _checked(args, read_password(args, stdin))
    except InputProblemError as exc:
        err.write(f"error: {exc}\n")
        return USAGE
    database = create_mysql(settings.database)
    try:
        # The app migrates an embedded file at startup; do the same so this works first.
        if database.is_embedded:
            await migrate(database)
        hasher = await PasswordHasher.create(settings.auth.bcrypt_rounds)
        async with unit_of_work(database) as session:
            admin = await create_admin(
                session, hasher, username=username, email=email, password=password
            )
            admin_id = admin.id
    except ConflictError:
        err.write("error: an administrator with that username or email exists\n")
        return FAILED
    except AppError as exc:
        err.write(f"error: the admin database is unavailable ({exc.error_type.value})\n")
        return FAILED
    finally:
        await database.engine.dispose()
    out.write(f"created administrator id={admin_id} username={username}\n")
    return OK
