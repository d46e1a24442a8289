"""Registering a new resource in the files that list them: each edit is checked, or refused.

Every function takes a file's text and returns it changed; a file that no longer has the
shape the edit expects is a `ScaffoldError` naming it, raised before anything is written.
"""

import re

from fastapi_fusion.errors import ScaffoldError
from fastapi_fusion.resource_source import from_import
from fastapi_fusion.resource_spec import POLICY_TEXT, ResourceSpec

# Generic messages: the resource's name is a parameter, so no language needs a new text
# per resource. Added once, by the first resource that needs them.
MESSAGES: dict[str, dict[str, str]] = {
    "error.resource_not_found": {
        "en": "No such {resource}.",
        "ar": "{resource}: العنصر المطلوب غير موجود.",
        "hi": "{resource}: ऐसा कोई आइटम नहीं है।",
    },
    "error.resource_forbidden": {
        "en": "Only its owner or an administrator may change this {resource}.",
        "ar": "{resource}: لا يغيّر هذا العنصر إلا مالكه أو مسؤول.",
        "hi": "{resource}: इसे केवल इसका स्वामी या कोई व्यवस्थापक बदल सकता है।",
    },
}
MESSAGE_KEYS = {
    "error.resource_not_found": "RESOURCE_NOT_FOUND",
    "error.resource_forbidden": "RESOURCE_FORBIDDEN",
}


def _fail(path: str, what: str) -> ScaffoldError:
    return ScaffoldError(f"{path}: {what}; register the resource there by hand")


def add_first_party_import(text: str, line: str, path: str) -> str:
    """`text` with the import `line` placed in sorted order among its `from app...` imports."""
    lines = text.splitlines(keepends=True)
    block = [index for index, item in enumerate(lines) if item.startswith("from app.")]
    if not block or block != list(range(block[0], block[-1] + 1)):
        raise _fail(path, "no single block of `from app...` imports")
    imports = sorted({*(lines[index].rstrip("\n") for index in block), line}, key=_module_key)
    lines[block[0] : block[-1] + 1] = [f"{item}\n" for item in imports]
    return "".join(lines)


def _module_key(line: str) -> tuple[str, str]:
    # Module, then the imported name: two imports from one module keep ruff's (isort) order.
    words = line.split()
    return words[1].lower(), words[3].lower()


def insert_before_closing(text: str, opening: str, closing: str, line: str, path: str) -> str:
    """`text` with `line` added as the last item of the bracket that `opening` starts."""
    start = text.find(opening)
    if start < 0:
        raise _fail(path, f"no `{opening.strip()}`")
    end = text.find(f"\n{closing}", start)
    if end < 0:
        raise _fail(path, f"`{opening.strip()}` is not closed by `{closing}` on its own line")
    return text[: end + 1] + line + "\n" + text[end + 1 :]


def register_router(text: str, plural: str) -> str:
    """`app/api/domains.py` with the resource's router under API_PREFIX."""
    path = "app/api/domains.py"
    text = add_first_party_import(
        text, f"from app.api.{plural}.router import router as {plural}_router", path
    )
    return insert_before_closing(
        text, "API_ROUTERS: tuple[APIRouter, ...] = (", ")", f"    {plural}_router,", path
    )


def register_model(text: str, plural: str, cls: str) -> str:
    """`app/models/postgres/__init__.py` importing the model, so its table is in the metadata."""
    # `X as X` re-exports it without touching `__all__`, a line the kit's manifest edits.
    line = f"from app.models.postgres.{plural} import {cls} as {cls}"
    return add_first_party_import(text, line, "app/models/postgres/__init__.py")


def register_collection(text: str, plural: str) -> str:
    """`app/models/mongo/indexes.py` with the collection's indexes (made at startup)."""
    path = "app/models/mongo/indexes.py"
    match = re.search(r"^from app\.models\.mongo import (.+)\n", text, re.MULTILINE)
    if match is None or "(" in match.group(1):
        raise _fail(path, "no one-line `from app.models.mongo import ...`")
    modules = {name.strip() for name in match.group(1).split(",")} | {plural}
    line = from_import("app.models.mongo", sorted(modules))
    text = text[: match.start()] + line + "\n" + text[match.end() :]
    return insert_before_closing(
        text, "COLLECTION_INDEXES = {", "}", f"    {plural}.COLLECTION: {plural}.INDEXES,", path
    )


def register_graphql(text: str, plural: str) -> str:
    """`app/graphql/schema.py` with the resource's root fields last in `DOMAINS`."""
    path = "app/graphql/schema.py"
    constant = f"{plural.upper()}_FIELDS"
    text = add_first_party_import(text, f"from app.graphql.{plural} import {constant}", path)
    return insert_before_closing(
        text, "DOMAINS: tuple[RootFields, ...] = (", ")", f"    {constant},", path
    )


def add_message_keys(text: str) -> str:
    """`app/core/i18n/keys.py` with the generic resource messages, if it lacks them."""
    path = "app/core/i18n/keys.py"
    missing = [key for key in MESSAGE_KEYS if f'"{key}"' not in text]
    if not missing:
        return text
    members = list(re.finditer(r'^    [A-Z_]+ = "[a-z_.]+"\n', text, re.MULTILINE))
    if not members:
        raise _fail(path, 'no `    NAME = "key"` members')
    end = members[-1].end()
    added = "".join(f'    {MESSAGE_KEYS[key]} = "{key}"\n' for key in missing)
    return text[:end] + added + text[end:]


def add_catalog_messages(text: str, language: str) -> str:
    """A `.po` catalog with the generic resource messages in `language`, if it lacks them."""
    added = "".join(
        f'\nmsgid "{key}"\nmsgstr "{texts[language]}"\n'
        for key, texts in MESSAGES.items()
        if f'msgid "{key}"' not in text
    )
    return text.rstrip("\n") + "\n" + added if added else text


def access_rows(spec: ResourceSpec, api_prefix: str) -> tuple[list[str], list[str]]:
    """The README access-table rows (REST, GraphQL) for the resource's operations."""
    name = spec.name
    create, change = POLICY_TEXT[spec.access.create], POLICY_TEXT[spec.access.change]
    collection = f"{api_prefix}/{name.route}"
    item = f"{collection}/{{{name.singular}_id}}"
    rest = [
        f"| `GET {collection}` | public |",
        f"| `POST {collection}` | {create} |",
        f"| `DELETE {item}` | {change} |",
        f"| `GET {item}` | public |",
        f"| `PATCH {item}` | {change} |",
    ]
    graphql = [
        f"| `query {name.camel(name.plural)}` | public |",
        f"| `query {name.camel(name.singular)}` | public |",
        f"| `mutation {name.camel('create_' + name.singular)}` | {create} |",
        f"| `mutation {name.camel('update_' + name.singular)}` | {change} |",
        f"| `mutation {name.camel('delete_' + name.singular)}` | {change} |",
    ]
    return rest, graphql


def _rest_key(row: str) -> tuple[str, str]:
    method, path = row.split("`")[1].split(" ", 1)
    return (path, method)


def _graphql_key(row: str) -> tuple[str, str]:
    return (row.split("`")[1], "")


def add_access_rows(text: str, table: str, rows: list[str]) -> str:
    """README.md with `rows` in the access table `table` (sorted as the tests list them)."""
    start, end = f"<!-- access:{table} -->\n", f"<!-- /access:{table} -->"
    if start not in text or end not in text:
        return text  # no checked table in this README: nothing to keep in step
    before, rest = text.split(start, 1)
    body, after = rest.split(end, 1)
    lines = body.splitlines()
    header, existing = lines[:2], [line for line in lines[2:] if line.startswith("|")]
    key = _rest_key if table == "rest" else _graphql_key
    ordered = sorted([*existing, *rows], key=key)
    return before + start + "\n".join([*header, *ordered]) + "\n" + end + after
