"""The file at a generated project's root that says which kit version and options made it.

`create` writes it; `update` reads it to regenerate the same project at that version, and
rewrites it once the project has taken a newer version's changes.
"""

import json
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fastapi_fusion.errors import RefusedError

ORIGIN_FILE = ".fastapi-fusion.toml"
_TABLE = "origin"


@dataclass(frozen=True)
class Origin:
    """What made a project: the kit version, the NAME and the `--without` features."""

    version: str
    name: str
    without: tuple[str, ...] = ()

    def create_arguments(self) -> list[str]:
        """The `create` options (after NAME) that reproduce the project's files."""
        return ["--without", ",".join(self.without)] if self.without else []


def render_origin(origin: Origin) -> str:
    """The origin file's text (TOML; JSON strings are valid TOML basic strings)."""
    return (
        "# Which kit version and options made this project: `fastapi-fusion update` regenerates\n"
        "# the template from them to bring the kit's later changes. Keep it in version control.\n"
        f"[{_TABLE}]\n"
        f"version = {json.dumps(origin.version)}\n"
        f"name = {json.dumps(origin.name)}\n"
        f"without = [{', '.join(json.dumps(feature) for feature in origin.without)}]\n"
    )


def write_origin(root: Path, version: str, name: str, without: Sequence[str]) -> None:
    """Write the origin file into the project at `root`."""
    origin = Origin(version=version, name=name, without=tuple(without))
    (root / ORIGIN_FILE).write_text(render_origin(origin), encoding="utf-8")


def read_origin(root: Path) -> Origin:
    """The origin recorded at `root`; a one-line error when there is none or it is malformed."""
    path = root / ORIGIN_FILE
    if not path.is_file():
        raise RefusedError(
            f"{root} is not a generated project (no {ORIGIN_FILE}; projects made by "
            "fastapi-fusion create record their origin there)"
        )
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8")).get(_TABLE)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise RefusedError(f"{path}: cannot read it: {error}") from error
    if not isinstance(table, dict):
        raise RefusedError(f"{path}: no [{_TABLE}] table")
    version, name, without = table.get("version"), table.get("name"), table.get("without", [])
    if not (isinstance(version, str) and version and isinstance(name, str) and name):
        raise RefusedError(f"{path}: [{_TABLE}] needs string values for 'version' and 'name'")
    if not (isinstance(without, list) and all(isinstance(item, str) for item in without)):
        raise RefusedError(f"{path}: [{_TABLE}] 'without' must be a list of feature names")
    return Origin(version=version, name=name, without=tuple(without))
