"""NUL (U+0000) in client text: found wherever a request carries it, refused with a 422."""

import json
from typing import Annotated, Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI, Form, Query
from pydantic import BaseModel

from app.core.envelope import Envelope, error_responses, success
from app.core.errors import ErrorType
from app.core.i18n import MessageKey, translate
from app.core.nul_text import MAX_ISSUES, Loc, json_nul_locations, nul_error, nul_locations
from app.core.routing import EnvelopeRoute
from app.depends import Lang
from tests.envelope import assert_envelope

# --- detection in JSON bodies -------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"username": "a\\u0000b", "password": "x"}', [("body", "username")]),
        (b'{"a": {"b": ["ok", "\\u0000"]}}', [("body", "a", "b", 1)]),
        (b'["\\u0000", "x", "y\\u0000"]', [("body", 0), ("body", 2)]),
        (b'"\\u0000"', [("body",)]),
        # A key is named by the object holding it: the key itself would echo the NUL.
        (b'{"outer": {"k\\u0000": 1}}', [("body", "outer")]),
        # An escaped backslash, then an escaped NUL: the text `\` followed by NUL.
        (b'{"name": "\\\\\\u0000"}', [("body", "name")]),
        # UTF-16 JSON (json.loads and so FastAPI read it): NUL escaped there too.
        ('{"name": "a\\u0000"}'.encode("utf-16"), [("body", "name")]),
    ],
    ids=["field", "nested", "array", "scalar", "key", "after-escaped-backslash", "utf-16"],
)
def test_json_bodies_holding_nul_are_found(body: bytes, expected: list[Loc]) -> None:
    assert json_nul_locations(body) == expected


@pytest.mark.parametrize(
    "body",
    [
        b'{"username": "alice", "password": "x"}',
        # An escaped backslash followed by `u0000`: six characters of text, no NUL.
        b'{"name": "\\\\u0000"}',
        b'{"name": "\\\\\\\\u0000"}',
        b'{"name": "\\u0001"}',
        b'{"name": "\\u0100"}',
        b'{"name": "%00"}',
        b"",
        # Not JSON (a raw NUL is invalid JSON): FastAPI's own 400 answers it.
        b'{"name": "a\x00b"}',
        b'{"name": "\\u0000"',
    ],
    ids=[
        "plain",
        "escaped-backslash",
        "two-escaped-backslashes",
        "other-control",
        "u0100",
        "percent-text",
        "empty",
        "raw-nul-invalid-json",
        "truncated",
    ],
)
def test_json_bodies_without_nul_pass(body: bytes) -> None:
    assert json_nul_locations(body) == []


def test_deep_nesting_does_not_exhaust_the_stack() -> None:
    value: Any = "\x00"
    for _ in range(5000):
        value = [value]
    assert nul_locations(value, ("body",)) == [("body", *([0] * 5000))]


def test_issues_stop_at_the_limit() -> None:
    body = json.dumps(["\x00"] * (MAX_ISSUES * 3)).encode()
    assert len(json_nul_locations(body)) == MAX_ISSUES
    many: list[Loc] = [("body", index) for index in range(MAX_ISSUES * 3)]
    data = nul_error(many).data
    assert isinstance(data, list)
    assert len(data) == MAX_ISSUES


def test_the_error_names_the_place_and_never_the_value() -> None:
    error = nul_error([("body", "username")])
    assert error.error_type is ErrorType.VALIDATION_ERROR
    assert error.message is MessageKey.NUL_CHARACTER
    assert error.data == [
        {
            "loc": ["body", "username"],
            "msg": translate(MessageKey.NUL_CHARACTER, "en"),
            "type": "nul_character",
        }
    ]


# --- refusal by EnvelopeRoute -------------------------------------------------------------


class Item(BaseModel):
    name: str
    tags: list[str] = []


probe_router = APIRouter(prefix="/_nul", route_class=EnvelopeRoute)


@probe_router.post("/items", status_code=201, responses=error_responses())
async def create_item(item: Item, lang: Lang) -> Envelope[str]:
    """Echo the name back: a JSON route."""
    return success(item.name, lang, ErrorType.RESOURCE_CREATED)


@probe_router.post("/form", responses=error_responses())
async def read_form(
    username: Annotated[str, Form()], password: Annotated[str, Form()], lang: Lang
) -> Envelope[str]:
    """Echo the username back: a form route."""
    del password
    return success(username, lang)


@probe_router.get("/items/{slug}", responses=error_responses())
async def read_item(
    slug: str, lang: Lang, search: Annotated[str | None, Query()] = None
) -> Envelope[str]:
    """Echo the slug and search back: path and query parameters."""
    return success(f"{slug}:{search}", lang)


@pytest.fixture
def app(app: FastAPI) -> FastAPI:
    app.include_router(probe_router)
    return app


def nul_issues(response: httpx.Response, language: str = "en") -> list[Any]:
    """The `loc` of each issue of a NUL refusal, checked to be the envelope's 422."""
    body = assert_envelope(response, 422, ErrorType.VALIDATION_ERROR)
    assert body["message"] == translate(MessageKey.NUL_CHARACTER, language)
    assert {issue["type"] for issue in body["data"]} == {"nul_character"}
    assert "\\u0000" not in response.text  # nothing submitted comes back
    return [issue["loc"] for issue in body["data"]]


async def test_json_body(client: httpx.AsyncClient) -> None:
    response = await client.post("/_nul/items", json={"name": "a\x00b", "tags": ["ok", "\x00"]})
    assert nul_issues(response) == [["body", "name"], ["body", "tags", 1]]


async def test_json_body_in_arabic(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/_nul/items", json={"name": "a\x00b"}, headers={"Accept-Language": "ar"}
    )
    assert nul_issues(response, "ar") == [["body", "name"]]


@pytest.mark.parametrize(
    ("path", "content_type", "content", "expected"),
    [
        ("/_nul/items", "application/merge-patch+json", b'{"name": "\\u0000"}', [["body", "name"]]),
        (
            "/_nul/form",
            "application/x-www-form-urlencoded",
            b"username=a&password=x&na%00me=1",
            [["body"]],
        ),
        # No NUL byte, no `%00`: UTF-7 spells NUL `+AAA-`, and Starlette decodes the declared
        # charset.
        (
            "/_nul/form",
            "multipart/form-data; boundary=b; charset=utf-7",
            b"--b\r\nContent-Disposition: form-data; name=username\r\n\r\na+AAA-b\r\n"
            b"--b\r\nContent-Disposition: form-data; name=password\r\n\r\nx\r\n--b--\r\n",
            [["body", "username"]],
        ),
    ],
    ids=["json-suffix-type", "form-field-name", "multipart-form-in-a-declared-charset"],
)
async def test_raw_bodies_holding_nul_are_refused(
    client: httpx.AsyncClient, path: str, content_type: str, content: bytes, expected: list[Any]
) -> None:
    response = await client.post(path, content=content, headers={"content-type": content_type})
    assert nul_issues(response) == expected


@pytest.mark.parametrize(
    ("path", "content_type", "content"),
    [
        ("/_nul/items", "application/json", b'{"name": "a\x00"}'),
        # A multipart body that does not parse is still FastAPI's own 400.
        ("/_nul/form", "multipart/form-data", b"garbage"),
    ],
    ids=["raw-nul-byte-is-malformed-json", "unparsable-multipart"],
)
async def test_malformed_bodies_are_fastapis_400(
    client: httpx.AsyncClient, path: str, content_type: str, content: bytes
) -> None:
    response = await client.post(path, content=content, headers={"content-type": content_type})
    assert_envelope(response, 400, ErrorType.MALFORMED_REQUEST)


async def test_escaped_backslash_then_u0000_is_text(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/_nul/items",
        content=b'{"name": "\\\\u0000"}',
        headers={"content-type": "application/json"},
    )
    assert assert_envelope(response, 201, ErrorType.RESOURCE_CREATED)["data"] == "\\u0000"


async def test_urlencoded_form(client: httpx.AsyncClient) -> None:
    response = await client.post("/_nul/form", data={"username": "a\x00b", "password": "x"})
    assert nul_issues(response) == [["body", "username"]]


async def test_multipart_form(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/_nul/form", files={"username": (None, "a\x00b"), "password": (None, "x")}
    )
    assert nul_issues(response) == [["body", "username"]]


async def test_form_without_nul_passes(client: httpx.AsyncClient) -> None:
    response = await client.post("/_nul/form", data={"username": "a%00b\\u0000", "password": "x"})
    assert assert_envelope(response, 200, ErrorType.SUCCESS)["data"] == "a%00b\\u0000"


async def test_path_parameter(client: httpx.AsyncClient) -> None:
    assert nul_issues(await client.get("/_nul/items/a%00b")) == [["path", "slug"]]


async def test_query_parameter(client: httpx.AsyncClient) -> None:
    response = await client.get("/_nul/items/a", params={"search": "x\x00"})
    assert nul_issues(response) == [["query", "search"]]


async def test_undeclared_query_parameter_and_name(client: httpx.AsyncClient) -> None:
    response = await client.get("/_nul/items/a?other=%00&na%00me=1")
    assert nul_issues(response) == [["query", "other"], ["query"]]


async def test_path_and_query_together(client: httpx.AsyncClient) -> None:
    response = await client.get("/_nul/items/%00?search=%00")
    assert nul_issues(response) == [["path", "slug"], ["query", "search"]]


async def test_url_without_nul_passes(client: httpx.AsyncClient) -> None:
    response = await client.get("/_nul/items/a%2500?search=%5Cu0000")
    assert assert_envelope(response, 200, ErrorType.SUCCESS)["data"] == "a%00:\\u0000"


async def test_unknown_path_with_nul_is_still_404(client: httpx.AsyncClient) -> None:
    assert_envelope(await client.get("/no/such/%00"), 404, ErrorType.NOT_FOUND)
