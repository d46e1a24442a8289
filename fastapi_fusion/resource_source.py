"""Building Python source as ruff writes it: sorted import blocks, wrapped long lines."""

from collections.abc import Iterable

LINE_LENGTH = 100
# Standard-library modules the generated code imports (isort puts them in their own block).
_STDLIB = frozenset({"collections", "datetime", "decimal", "re", "typing"})


def _name_key(name: str) -> tuple[int, str]:
    # isort's order by type: CONSTANTS, then Classes, then functions and modules.
    if name.isupper():
        return (0, name)
    return (1, name) if name[:1].isupper() else (2, name)


class Imports:
    """The import statements of one module, rendered in isort's sections and order."""

    def __init__(self) -> None:
        self._modules: set[str] = set()
        self._names: dict[str, set[str]] = {}

    def module(self, module: str) -> "Imports":
        """Add `import module`."""
        self._modules.add(module)
        return self

    def names(self, module: str, *names: str) -> "Imports":
        """Add `from module import names`."""
        self._names.setdefault(module, set()).update(names)
        return self

    def render(self) -> str:
        """The import block: standard library, third party, then the project's own."""
        sections: list[list[str]] = [[], [], []]
        for module in sorted(self._modules, key=str.lower):
            sections[_section(module)].append(f"import {module}")
        for module in sorted(self._names, key=str.lower):
            names = sorted(self._names[module], key=_name_key)
            sections[_section(module)].append(from_import(module, names))
        return "\n\n".join("\n".join(lines) for lines in sections if lines) + "\n"


def _section(module: str) -> int:
    root = module.split(".")[0]
    if root in _STDLIB:
        return 0
    return 2 if root in {"app", "tests"} else 1


def from_import(module: str, names: Iterable[str]) -> str:
    """`from module import a, b`, wrapped one name a line when too long."""
    listed = list(names)
    line = f"from {module} import {', '.join(listed)}"
    if len(line) <= LINE_LENGTH:
        return line
    body = "".join(f"    {name},\n" for name in listed)
    return f"from {module} import (\n{body})"


def call(head: str, arguments: list[str], indent: str = "") -> str:
    """`head(a, b)` split as ruff splits it: one line, else the arguments on one, else one each."""
    joined = ", ".join(arguments)
    line = f"{indent}{head}({joined})"
    if len(line) <= LINE_LENGTH:
        return line
    if len(f"{indent}    {joined}") <= LINE_LENGTH:
        return f"{indent}{head}(\n{indent}    {joined}\n{indent})"
    body = "".join(f"{indent}    {argument},\n" for argument in arguments)
    return f"{indent}{head}(\n{body}{indent})"


def module(docstring: str, imports: Imports, *blocks: str) -> str:
    """A whole module: docstring, imports, then top-level blocks two blank lines apart."""
    text = f'"""{docstring}"""\n\n' + imports.render()
    # As ruff lays it out: two blank lines around a definition, one between constants.
    after_definition = False
    for block in blocks:
        stripped = block.strip("\n")
        # A comment above a definition belongs to it, blank lines and all.
        code = [line for line in stripped.splitlines() if not line.startswith("#")]
        definition = bool(code) and code[0].startswith(("def ", "async def ", "class ", "@"))
        text += ("\n\n" if definition or after_definition else "\n") + stripped + "\n"
        after_definition = definition
    return text
