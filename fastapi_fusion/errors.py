"""The two ways the scaffolder fails, each with its exit code."""


class ScaffoldError(Exception):
    """The command was valid but could not be carried out (exit code 1)."""

    exit_code = 1


class UsageError(ScaffoldError):
    """The command line itself is wrong: bad name, unknown feature or option (exit code 2)."""

    exit_code = 2


class RefusedError(ScaffoldError):
    """The command is valid but refuses to act as things stand, e.g. a dirty work tree (exit 2)."""

    exit_code = 2
