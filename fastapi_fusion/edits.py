"""Text edits the manifest names: each finds its target exactly or fails, never guesses.

Every function takes and returns a file's lines (with their line endings). Removing a span
keeps the blank-line spacing that surrounded it, so formatted sources stay formatted.
"""

import ast
import re
from collections.abc import Collection

from fastapi_fusion.errors import ScaffoldError

# The name at the start of a requirement string: `"aiomysql>=0.2",` -> `aiomysql`.
_REQUIREMENT_LINE = re.compile(r'\s*"([A-Za-z0-9][A-Za-z0-9._-]*)[^"]*",?\s*')
# Only these pyproject tables hold the project's requirements (not, say, pytest markers).
_REQUIREMENT_TABLES = frozenset(
    {"[project]", "[project.optional-dependencies]", "[dependency-groups]"}
)
# A whole line marking where a feature's block begins or ends: `# fusion:mongo begin` in code,
# configuration and scripts, `<!-- fusion:mongo begin -->` in Markdown.
_MARKER = re.compile(r"(?:#|<!--) fusion:(?P<feature>[a-z]+) (?P<edge>begin|end)(?: -->)?")
# At the end of one Markdown line (a table row, a line of prose): ` <!-- fusion:mongo -->`
# drops that line with the feature; ` <!-- fusion:mongo else: TEXT -->` puts TEXT instead.
_INLINE = re.compile(r" <!-- fusion:(?P<feature>[a-z]+)(?: else: (?P<other>.*?))? -->$")


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
            # A comment block directly above a definition belongs to it (a block marker does not).
            while (
                start > 0
                and lines[start - 1].lstrip().startswith("#")
                and marker(lines[start - 1]) is None
            ):
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


def marker(line: str) -> tuple[str, str] | None:
    """`(feature, "begin" | "end")` when `line` is a block marker, else None."""
    match = _MARKER.fullmatch(line.strip())
    return None if match is None else (match["feature"], match["edge"])


def marked_blocks(lines: list[str]) -> list[tuple[str, int, int]]:
    """Each marked block as `(feature, begin line, end line)` (indexes); unbalanced fails."""
    blocks: list[tuple[str, int, int]] = []
    open_blocks: list[tuple[str, int]] = []
    for index, text in enumerate(lines):
        found = marker(text)
        if found is None:
            continue
        feature, edge = found
        if edge == "begin":
            open_blocks.append((feature, index))
        elif not open_blocks or open_blocks[-1][0] != feature:
            raise EditError(f"line {index + 1}: 'fusion:{feature} end' closes no open block")
        else:
            blocks.append((feature, open_blocks.pop()[1], index))
    if open_blocks:
        feature, index = open_blocks[-1]
        raise EditError(f"line {index + 1}: 'fusion:{feature} begin' is never closed")
    return blocks


def inline_marker(line: str) -> tuple[str, str | None] | None:
    """`(feature, text or None)` when `line` ends with an inline marker, else None."""
    match = _INLINE.search(line.rstrip("\r\n"))
    return None if match is None else (match["feature"], match["other"])


def _prune_inline(lines: list[str], removed: Collection[str]) -> list[str]:
    result = list(lines)
    for index in reversed(range(len(result))):
        text = result[index]
        body = text.rstrip("\r\n")
        match = _INLINE.search(body)
        if match is None:
            continue
        ending = text[len(body) :]
        if match["feature"] not in removed:
            result[index] = body[: match.start()] + ending
        elif match["other"] is None:
            result = remove_span(result, index, index + 1)
        else:
            indent = body[: len(body) - len(body.lstrip())]
            result[index] = indent + match["other"] + ending
    return result


def prune_marked(lines: list[str], removed: Collection[str]) -> list[str]:
    """Drop the marked blocks and lines of `removed` features, and every marker."""
    lines = _prune_inline(lines, removed)
    while blocks := marked_blocks(lines):
        # The first block whose feature goes is dropped whole, markers and all; when none
        # goes, the first marker pair is dropped and its lines kept.
        going = [block for block in blocks if block[0] in removed]
        if going:
            _, begin, end = min(going, key=lambda block: block[1])
            lines = remove_span(lines, begin, end + 1)
        else:
            _, begin, end = min(blocks, key=lambda block: block[1])
            lines = remove_span(remove_span(lines, end, end + 1), begin, begin + 1)
    return lines
