"""The scaffolder's manifest, `features.toml`, parsed strictly so a typo fails loudly.

It says what each `--without` feature removes and which template values take the new name.
"""

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from fastapi_fusion.errors import ScaffoldError

MANIFEST_PATH = Path(__file__).resolve().parent / "features.toml"
EDIT_ACTIONS = ("drop_line", "replace_line", "drop_definition", "drop_section", "drop_table")
SPELLINGS = ("distribution", "identifier", "title")


class ManifestError(ScaffoldError):
    """The manifest itself is malformed."""


def landed_paths(root: Path, feature: str) -> list[str]:
    """Template files named after `feature`: once any exists, its removal entry must be filled."""
    patterns = (f"app/**/*{feature}*", f"tests/**/*{feature}*", f"migrations/*{feature}*")
    return sorted(
        str(path.relative_to(root))
        for pattern in patterns
        for path in root.glob(pattern)
        if "__pycache__" not in path.parts
    )


@dataclass(frozen=True)
class Edit:
    """One change inside one file: `action` applied to `target` (see `fastapi_fusion.edits`)."""

    file: str
    action: str
    target: str
    replacement: str | None = None


@dataclass(frozen=True)
class Move:
    """A file that another part of the project takes over when its feature goes."""

    source: str
    target: str


@dataclass(frozen=True)
class Removal:
    """What removing one feature (or the scaffolder's own files) takes out of a project."""

    summary: str
    paths: tuple[str, ...] = ()
    dependencies: tuple[str, ...] = ()
    edits: tuple[Edit, ...] = ()
    moves: tuple[Move, ...] = ()

    @property
    def empty(self) -> bool:
        """Whether this removal changes nothing."""
        return not (self.paths or self.dependencies or self.edits or self.moves)


@dataclass(frozen=True)
class Rename:
    """A template value replaced by a spelling of the new project's name."""

    files: str
    to: str
    setting: str | None = None
    text: str | None = None
    # Put around the spelling: `prefix = "YOUR-ACCOUNT/"`, `suffix = ":"`.
    prefix: str = ""
    suffix: str = ""
    # The feature whose text this is: the rename is skipped when `--without` leaves it out.
    feature: str | None = None


@dataclass(frozen=True)
class Manifest:
    """The whole manifest: the always-applied scaffolder removal, the features, the renames."""

    scaffolder: Removal
    features: Mapping[str, Removal] = field(default_factory=dict)
    renames: tuple[Rename, ...] = ()


def load_manifest(path: Path = MANIFEST_PATH) -> Manifest:
    """Read and validate the manifest at `path`."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ManifestError(f"cannot read manifest {path}: {error}") from error
    return parse_manifest(data)


def parse_manifest(data: Mapping[str, Any]) -> Manifest:
    """Validate a manifest already decoded from TOML."""
    _only_keys("manifest", data, {"scaffolder", "features", "rename"})
    features = _table("features", data.get("features", {}))
    return Manifest(
        scaffolder=_removal("scaffolder", data.get("scaffolder", {})),
        features={name: _removal(f"features.{name}", value) for name, value in features.items()},
        renames=tuple(_rename(entry) for entry in _list("rename", data.get("rename", []))),
    )


def _removal(where: str, value: object) -> Removal:
    table = _table(where, value)
    _only_keys(where, table, {"summary", "paths", "dependencies", "edits", "moves"})
    return Removal(
        summary=_string(f"{where}.summary", table.get("summary")),
        paths=tuple(_path(f"{where}.paths", item) for item in _list(where, table.get("paths", []))),
        dependencies=tuple(
            _string(f"{where}.dependencies", item)
            for item in _list(where, table.get("dependencies", []))
        ),
        edits=tuple(_edit(f"{where}.edits", item) for item in _list(where, table.get("edits", []))),
        moves=tuple(_move(f"{where}.moves", item) for item in _list(where, table.get("moves", []))),
    )


def _move(where: str, value: object) -> Move:
    table = _table(where, value)
    _only_keys(where, table, {"from", "to"})
    source, target = _path(where, table.get("from")), _path(where, table.get("to"))
    if source == target:
        raise ManifestError(f"{where}: {source!r} moves onto itself")
    return Move(source=source, target=target)


def _edit(where: str, value: object) -> Edit:
    table = _table(where, value)
    _only_keys(where, table, {"file", *EDIT_ACTIONS, "with"})
    actions = [action for action in EDIT_ACTIONS if action in table]
    if len(actions) != 1:
        raise ManifestError(f"{where}: each edit names exactly one of {', '.join(EDIT_ACTIONS)}")
    action = actions[0]
    replacement = table.get("with")
    if (action == "replace_line") != (replacement is not None):
        raise ManifestError(f"{where}: 'with' goes with replace_line, and only with it")
    return Edit(
        file=_path(where, table.get("file")),
        action=action,
        target=_string(where, table[action]),
        replacement=None if replacement is None else _string(where, replacement),
    )


def _rename(value: object) -> Rename:
    table = _table("rename", value)
    _only_keys("rename", table, {"files", "to", "setting", "text", "prefix", "suffix", "feature"})
    to = _string("rename.to", table.get("to"))
    if to not in SPELLINGS:
        raise ManifestError(f"rename.to must be one of {', '.join(SPELLINGS)}, not {to!r}")
    setting, text = table.get("setting"), table.get("text")
    if (setting is None) == (text is None):
        raise ManifestError("each rename names exactly one of 'setting' or 'text'")
    if setting is not None and _string("rename.setting", setting).count(".") != 1:
        raise ManifestError(f"rename.setting must read Class.field, not {setting!r}")
    return Rename(
        files=_path("rename.files", table.get("files")),
        to=to,
        setting=None if setting is None else str(setting),
        text=None if text is None else _string("rename.text", text),
        prefix=_string("rename.prefix", table["prefix"]) if "prefix" in table else "",
        suffix=_string("rename.suffix", table["suffix"]) if "suffix" in table else "",
        feature=_string("rename.feature", table["feature"]) if "feature" in table else None,
    )


def _only_keys(where: str, table: Mapping[str, Any], allowed: set[str]) -> None:
    if unknown := set(table) - allowed:
        raise ManifestError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")


def _table(where: str, value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ManifestError(f"{where} must be a table")
    return value


def _list(where: str, value: object) -> list[Any]:
    if not isinstance(value, list):
        raise ManifestError(f"{where} must be an array")
    return value


def _string(where: str, value: object) -> str:
    if not isinstance(value, str) or not value:
        raise ManifestError(f"{where} must be a non-empty string")
    return value


def _path(where: str, value: object) -> str:
    # Manifest paths stay inside the project: relative, POSIX, no `..`.
    text = _string(where, value)
    path = PurePosixPath(text)
    if path.is_absolute() or ".." in path.parts or "\\" in text:
        raise ManifestError(f"{where}: {text!r} must be a relative path inside the project")
    return text
