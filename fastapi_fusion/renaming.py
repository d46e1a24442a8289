"""Giving a copied template the new project's name: precise, checked replacements only."""

import ast
import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path

from fastapi_fusion.edits import EditError
from fastapi_fusion.manifest import Rename
from fastapi_fusion.naming import ProjectName

_PROJECT_TABLE = "[project]"

_TextChange = Callable[[str], str]


def rename_project(root: Path, name: ProjectName, renames: Sequence[Rename]) -> None:
    """Rename the distribution, the README title and every value the manifest lists."""
    _rewrite(root / "pyproject.toml", lambda text: rename_pyproject(text, name))
    _rewrite(root / "README.md", lambda text: retitle_readme(text, name.title))
    # The kit's history is not the project's: it starts its own.
    (root / "CHANGELOG.md").write_text(fresh_changelog(name), encoding="utf-8")
    for rule in renames:
        apply_rename(root, rule, rule.prefix + name.spelling(rule.to) + rule.suffix)


def apply_rename(root: Path, rule: Rename, value: str) -> None:
    """Put `value` where `rule` says, in every file its glob matches (at least one)."""
    paths = sorted(path for path in root.glob(rule.files) if path.is_file())
    if not paths:
        raise EditError(f"rename: no file matches {rule.files!r}")
    if rule.setting is not None:
        class_name, field_name = rule.setting.split(".")
        for path in paths:
            _rewrite(path, lambda text: set_default(text, class_name, field_name, value))
    elif rule.text is not None:
        old = rule.text
        if not any(old in path.read_text(encoding="utf-8") for path in paths):
            raise EditError(f"rename: {old!r} appears in no file matching {rule.files!r}")
        for path in paths:
            _rewrite(path, lambda text: text.replace(old, value))


def rename_pyproject(text: str, name: ProjectName) -> str:
    """Set `[project]`'s name and description for the new project."""
    description = f"{name.title}: an async Python backend built on FastAPI Fusion Core."
    text = _set_project_key(text, "name", name.distribution)
    return _set_project_key(text, "description", description)


def _set_project_key(text: str, key: str, value: str) -> str:
    lines = text.splitlines(keepends=True)
    table = ""
    hits = 0
    for index, line in enumerate(lines):
        if line.startswith("["):
            table = line.strip()
        elif table == _PROJECT_TABLE and re.fullmatch(rf'{key} = "[^"]*"', line.strip()):
            lines[index] = f"{key} = {json.dumps(value)}\n"
            hits += 1
    if hits != 1:
        raise EditError(f'pyproject.toml: expected one `{key} = "..."` in [project], found {hits}')
    return "".join(lines)


def fresh_changelog(name: ProjectName) -> str:
    """The new project's CHANGELOG.md: its own history, starting now."""
    return (
        "# Changelog\n\n"
        "Versions follow `MAJOR.MINOR.PATCH`.\n\n"
        "## Unreleased\n\n"
        f"- {name.title} created from the FastAPI Fusion kit.\n"
    )


def retitle_readme(text: str, title: str) -> str:
    """Replace the README's first top-level heading with `title`."""
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        if line.startswith("# "):
            lines[index] = f"# {title}\n"
            return "".join(lines)
    raise EditError("README.md: no top-level '# ' heading to retitle")


def set_default(source: str, class_name: str, field_name: str, value: str) -> str:
    """Set the string default of `class_name.field_name` in Python `source` to `value`."""
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            for statement in node.body:
                if (
                    isinstance(statement, ast.AnnAssign)
                    and isinstance(statement.target, ast.Name)
                    and statement.target.id == field_name
                    and isinstance(statement.value, ast.Constant)
                    and isinstance(statement.value.value, str)
                    and statement.value.lineno == statement.value.end_lineno
                ):
                    constant = statement.value
                    lines = source.splitlines(keepends=True)
                    line = lines[constant.lineno - 1].encode()
                    # ast offsets count UTF-8 bytes, not characters.
                    start, stop = constant.col_offset, constant.end_col_offset
                    new = line[:start] + json.dumps(value).encode() + line[stop:]
                    lines[constant.lineno - 1] = new.decode()
                    return "".join(lines)
    raise EditError(f"no string default for {class_name}.{field_name}")


def _rewrite(path: Path, change: _TextChange) -> None:
    if not path.is_file():
        raise EditError(f"{path.name}: no such file")
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
