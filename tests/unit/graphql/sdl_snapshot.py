"""A schema's SDL against its committed snapshot: a difference fails, saying how to accept it."""

from pathlib import Path


def assert_snapshot(sdl: str, snapshot: Path, module: str) -> None:
    """Pass if `sdl` is `snapshot`'s text; else fail, naming `module`'s `write_snapshot()`."""
    regenerate = f"python -c 'from {module} import write_snapshot; write_snapshot()'"
    assert sdl == snapshot.read_text(encoding="utf-8"), (
        f"The GraphQL schema differs from {snapshot.name}. If the change is meant (clients "
        f"will see it), regenerate the snapshot from the project root with\n  {regenerate}\n"
        "and commit it with the change; otherwise restore the types."
    )
