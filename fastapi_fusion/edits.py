"""Text edits the manifest names: each finds its target exactly or fails, never guesses.

Every function takes and returns a file's lines (with their line endings). Removing a span
keeps the blank-line spacing that surrounded it, so formatted sources stay formatted.
"""

import ast
import re

from fastapi_fusion.errors import ScaffoldError

# The name at the start of a requirement string: `"aiomysql>=0.2",` -> `aiomysql`.
_REQUIREMENT_LINE = re.compile(r'\s*"([A-Za-z0-9][A-Za-z0-9._-]*)[^"]*",?\s*')
# Only these pyproject tables hold the project's requirements (not, say, pytest markers).
_REQUIREMENT_TABLES = frozenset(
    {"[project]", "[project.optional-dependencies]", "[dependency-groups]"}
)


class EditError(ScaffoldError):
    """An edit's target is not in the file: the template and the manifest have drifted."""


def canonical_requirement(name: str) -> str:
    """A distribution name normalised for comparison (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def remove_span(lines: list[str], start: int, stop: int) -> list[str]:
    """`lines` without `lines[start:stop]`, without leaving two blank runs back to back."""
    before, after = lines[:start], lines[stop:]
    if before and after and not before[-1].strip() and not after[0].strip():
        # The span sat between two blank runs: keep the wider one, so a definition that
        # follows still has its two blank lines whichever side the span took them from.
        ahead = _leading_blanks(after)
        after = after[min(ahead, _leading_blanks(before[::-1])) :]
    if not after:
        while before and not before[-1].strip():
            before = before[:-1]
    return before + after


def _leading_blanks(lines: list[str]) -> int:
    return next((i for i, text in enumerate(lines) if text.strip()), len(lines))


def drop_line(lines: list[str], line: str) -> list[str]:
    """Remove every line whose stripped text equals `line`."""
    hits = [index for index, text in enumerate(lines) if text.strip() == line]
    if not hits:
        raise EditError(f"no line {line!r}")
    for index in reversed(hits):
        lines = remove_span(lines, index, index + 1)
    return lines


def replace_line(lines: list[str], line: str, new: str) -> list[str]:
    """Replace every line whose stripped text equals `line` by `new` (one or more lines).

    Each line of `new` takes the replaced line's indent.
    """
    hits = [index for index, text in enumerate(lines) if text.strip() == line]
    if not hits:
        raise EditError(f"no line {line!r}")
    result = list(lines)
    for index in reversed(hits):
        indent = result[index][: len(result[index]) - len(result[index].lstrip())]
        result[index : index + 1] = [f"{indent}{part}\n" for part in new.split("\n")]
    return result


def drop_definition(lines: list[str], name: str) -> list[str]:
    """Remove the top-level function, class or assignment `name`, decorators and comments."""
    tree = ast.parse("".join(lines))
    for node in tree.body:
        if name in _defined_names(node):
            first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
            start = first - 1
            # A comment block directly above a definition belongs to it.
            while start > 0 and lines[start - 1].lstrip().startswith("#"):
                start -= 1
            stop = node.end_lineno if node.end_lineno is not None else node.lineno
            return remove_span(lines, start, stop)
    raise EditError(f"no top-level definition {name!r}")


def _defined_names(node: ast.stmt) -> set[str]:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return {node.name}
    if isinstance(node, ast.Assign):
        return {target.id for target in node.targets if isinstance(target, ast.Name)}
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return {node.target.id}
    return set()


def drop_section(lines: list[str], heading: str) -> list[str]:
    """Remove a Markdown section: its heading line up to the next heading of its level or above."""
    level = len(heading) - len(heading.lstrip("#"))
    if level == 0:
        raise EditError(f"{heading!r} is not a Markdown heading")
    start: int | None = None
    fenced = False
    for index, text in enumerate(lines):
        if text.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if fenced:
            continue
        if start is None:
            if text.strip() == heading:
                start = index
        elif (match := re.match(r"(#+)\s", text)) and len(match.group(1)) <= level:
            return remove_span(lines, start, index)
    if start is None:
        raise EditError(f"no heading {heading!r}")
    return remove_span(lines, start, len(lines))


def drop_table(lines: list[str], table: str) -> list[str]:
    """Remove a TOML table (or INI section): its `[table]` header up to the next header."""
    header = f"[{table}]"
    for start, text in enumerate(lines):
        if text.strip() == header:
            stop = next(
                (i for i in range(start + 1, len(lines)) if lines[i].startswith("[")),
                len(lines),
            )
            return remove_span(lines, start, stop)
    raise EditError(f"no table {header}")


def drop_requirements(lines: list[str], names: set[str]) -> list[str]:
    """Remove requirement lines (one quoted requirement per line) naming any of `names`."""
    wanted = {canonical_requirement(name) for name in names}
    found: set[str] = set()
    kept: list[str] = []
    table = ""
    for text in lines:
        if text.startswith("["):
            table = text.strip()
        match = _REQUIREMENT_LINE.fullmatch(text.rstrip("\n"))
        in_scope = table in _REQUIREMENT_TABLES
        requirement = canonical_requirement(match.group(1)) if match and in_scope else None
        if requirement in wanted:
            found.add(requirement)
            continue
        kept.append(text)
    if missing := wanted - found:
        raise EditError(f"no requirement line for {', '.join(sorted(missing))}")
    return kept
