"""Client text holding U+0000 (NUL): where a request carries it, and the error refusing it.

PostgreSQL's `text` cannot store NUL (asyncpg fails with "invalid byte sequence for encoding
UTF8: 0x00", a 500), while SQLite, the unit tier's stand-in, stores it: a rule per field
would be forgotten somewhere and no fake would notice. So NUL is refused wherever a client
supplies text, before anything reads it: path, query string, JSON and form bodies here (via
`EnvelopeRoute`), and where the app serves GraphQL, its documents and variables
(`app.graphql.nul_text`).

It is a 422 VALIDATION_ERROR, not a 400: the request parses (valid JSON, a valid URL), and
one value breaks a rule every text field has, so the answer names that field in `loc` like
pydantic's own 422s. (A lone UTF-16 surrogate is a 400: that is not Unicode text at all.)
"""

import json
from collections.abc import Iterable
from itertools import islice
from typing import Any

from fastapi import Request
from pydantic import JsonValue

from app.core.envelope import ValidationIssue
from app.core.errors import ValidationError
from app.core.i18n import MessageKey, translate

NUL = "\x00"
NUL_TYPE = "nul_character"
# Enough to point at every field a real client got wrong, without answering a body of
# thousands of NULs with thousands of issues (graphql-core stops at 100 errors too).
MAX_ISSUES = 100

Loc = tuple[str | int, ...]


def nul_locations(value: object, loc: Loc) -> list[Loc]:
    """Where NUL occurs in a parsed JSON value under `loc`, in document order, at most 100."""
    found: dict[Loc, None] = {}  # ordered and without repeats
    # A stack, not recursion: the value may be nested as deep as `json.loads` allows.
    stack: list[tuple[Loc, object]] = [(loc, value)]
    while stack and len(found) < MAX_ISSUES:
        where, item = stack.pop()
        if isinstance(item, str):
            if NUL in item:
                found[where] = None
        elif isinstance(item, dict):
            children: list[tuple[Loc, object]] = []
            for key, child in item.items():
                if NUL in str(key):
                    # The key would be the issue's last `loc` part, echoing the NUL back:
                    # name the object that holds it instead.
                    found[where] = None
                else:
                    children.append(((*where, key), child))
            stack.extend(reversed(children))
        elif isinstance(item, list):
            indexed = [((*where, index), child) for index, child in enumerate(item)]
            stack.extend(reversed(indexed))
    return list(found)


def json_nul_locations(body: bytes) -> list[Loc]:
    """Where a JSON body carries NUL (`["body", ...]`); none when it is not JSON at all."""
    # Bytes first, so the usual body costs a substring search and no parsing. JSON writes NUL
    # only as the escape `\u0000` (a raw control character is invalid JSON); a raw NUL byte
    # also marks UTF-16/32 JSON, which `json.loads` (and so FastAPI) accepts.
    if b"\\u0000" not in body and b"\x00" not in body:
        return []
    try:
        parsed: Any = json.loads(body)
    except (ValueError, RecursionError):
        return []  # FastAPI reports an unparsable body itself
    # An escaped backslash before `u0000` (the six characters as text) parses to no NUL.
    return nul_locations(parsed, ("body",))


def url_nul_locations(request: Request) -> list[Loc]:
    """Where the path and query string carry NUL (`["path", name]`, `["query", name]`)."""
    # The server has percent-decoded the path already: `%00` arrives as NUL. The query string
    # is raw bytes, NUL written `%00` (or raw, if a server lets it through).
    in_path = NUL in request.scope["path"]
    query: bytes = request.scope["query_string"]
    in_query = b"%00" in query or b"\x00" in query
    if not (in_path or in_query):
        return []
    found: dict[Loc, None] = {}
    if in_path:
        named: list[Loc] = [
            ("path", name)
            for name, value in request.path_params.items()
            if isinstance(value, str) and NUL in value
        ]
        found.update(dict.fromkeys(named or [("path",)]))
    if in_query:
        for name, value in request.query_params.multi_items():
            if NUL in name:
                found[("query",)] = None  # the name itself must not be echoed
            elif NUL in value:
                found[("query", name)] = None
    return list(found)


async def form_nul_locations(request: Request) -> list[Loc]:
    """Where a form body's fields carry NUL (`["body", name]`), reading the form FastAPI reads."""
    # No byte pre-check: a multipart body may declare any charset (`utf-7` decodes `+AAA-` to
    # NUL). Parsing here costs nothing extra: Starlette keeps the form and FastAPI reuses it.
    await request.body()  # kept, so FastAPI can parse again if this parse fails
    try:
        form = await request.form()
    except Exception:  # any failure is FastAPI's to answer, as its own 400
        return []
    found: dict[Loc, None] = {}
    for name, value in form.multi_items():
        if NUL in name:
            found[("body",)] = None
        elif isinstance(value, str) and NUL in value:
            found[("body", name)] = None
    return list(found)


def nul_error(locations: Iterable[Loc]) -> ValidationError:
    """The 422 refusing NUL, one `{loc, msg, type}` issue per place and no submitted value."""
    # The issue's `msg` is English, as pydantic's are; the envelope's message is translated.
    msg = translate(MessageKey.NUL_CHARACTER, "en")
    issues: list[JsonValue] = [
        ValidationIssue(loc=list(loc), msg=msg, type=NUL_TYPE).model_dump()
        for loc in islice(locations, MAX_ISSUES)
    ]
    return ValidationError(MessageKey.NUL_CHARACTER, data=issues)
