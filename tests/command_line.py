"""What the project's commands print when they refuse: one line on stderr, never a traceback."""


def one_line_error(err: str, program: str) -> str:
    """The only line of `err`, checked to be `<program>: error: ...` as argparse writes it."""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"{program}: error: ")
    return lines[0]
