"""NUL (U+0000) in a GraphQL document's literals or its variables: one 422 entry, no execution."""

from typing import Any

import httpx
import pytest
from graphql import parse

from app.core.errors import ErrorType
from app.core.i18n import MessageKey, translate
from app.graphql.nul_text import nul_literals
from tests.envelope import Exchange, check_graphql_exchange
from tests.unit.graphql.assertions import only_error
from tests.unit.graphql.conftest import Post

CATEGORY = "query Q($n: String!) { category(slug: $n) { slug } }"


@pytest.mark.parametrize(
    "query",
    [
        '{ a(x: "a\x00b") }',
        '{ a(x: "a\\u0000b") }',
        '{ a(x: "a\\u{0}b") }',
        '{ a(x: "a\\u{000000}b") }',
        '{ a(x: """a\x00b""") }',
        '{ a(x: ["ok", {k: "\\u0000"}]) }',
        '{ a @d(x: "\\u0000") }',
    ],
    ids=["raw", "escape", "braced-escape", "long-braced-escape", "block", "nested", "directive"],
)
def test_literals_holding_nul_are_found(query: str) -> None:
    [node] = nul_literals(query, parse(query))
    assert "\x00" in node.value


@pytest.mark.parametrize(
    "query",
    [
        '{ a(x: "plain") }',
        '{ a(x: "\\\\u0000") }',  # an escaped backslash, then the text `u0000`
        '{ a(x: """\\u0000""") }',  # block strings have no escapes: six characters
        '{ a(x: "\\u0001") }',
        "# a comment\x00 is ignored\n{ a }",
    ],
    ids=["plain", "escaped-backslash", "block-escape-is-text", "other-control", "comment"],
)
def test_literals_without_nul_pass(query: str) -> None:
    assert nul_literals(query, parse(query)) == []


def nul_entry(response: httpx.Response) -> dict[str, Any]:
    """The one entry refusing NUL: HTTP 200, no `data`, a 422 envelope in `extensions`."""
    assert response.status_code == 200, response.text
    body = response.json()
    assert "data" not in body  # refused before execution: no `data` key
    error = only_error(response, ErrorType.VALIDATION_ERROR)
    assert error["message"] == translate(MessageKey.NUL_CHARACTER, "en")
    assert {issue["type"] for issue in error["extensions"]["data"]} == {"nul_character"}
    assert "\\u0000" not in response.text
    return error


async def test_variable_holding_nul(post_graphql: Post) -> None:
    error = nul_entry(await post_graphql(CATEGORY, {"n": "Query\x00"}))
    assert [issue["loc"] for issue in error["extensions"]["data"]] == [["variables", "n"]]
    assert "locations" not in error


async def test_nested_variable_and_key(post_graphql: Post) -> None:
    response = await post_graphql(
        "query Q($n: String) { __typename }", {"n": None, "unused": {"list": ["", "\x00"]}}
    )
    error = nul_entry(response)
    assert [issue["loc"] for issue in error["extensions"]["data"]] == [
        ["variables", "unused", "list", 1]
    ]


async def test_literal_holding_nul(post_graphql: Post) -> None:
    error = nul_entry(await post_graphql('{\n  category(slug: "a\\u0000") { slug } }'))
    assert [issue["loc"] for issue in error["extensions"]["data"]] == [["query", 2, 18]]
    assert error["locations"] == [{"line": 2, "column": 18}]


async def test_literal_and_variable_together(post_graphql: Post) -> None:
    query = (
        'query Q($n: String!) { a: category(slug: $n) { slug } b: category(slug: "\x00") { slug } }'
    )
    error = nul_entry(await post_graphql(query, {"n": "\x00"}))
    assert [issue["loc"][0] for issue in error["extensions"]["data"]] == ["query", "variables"]


async def test_over_get(running: httpx.AsyncClient) -> None:
    response = await running.get(
        "/graphql", params={"query": CATEGORY, "variables": '{"n": "\\u0000"}'}
    )
    nul_entry(response)
    check_graphql_exchange(Exchange.of_httpx(response))


async def test_escaped_backslash_is_text(post_graphql: Post) -> None:
    # Not refused for NUL: the slug's own rules answer (a 422 on its pattern).
    nul = translate(MessageKey.NUL_CHARACTER, "en")
    response = await post_graphql(CATEGORY, {"n": "\\u0000"})
    assert response.status_code == 200
    assert nul not in response.text
    response = await post_graphql('{ category(slug: "\\\\u0000") { slug } }')
    assert response.status_code == 200
    assert nul not in response.text


async def test_raw_nul_in_a_get_query_string(running: httpx.AsyncClient) -> None:
    response = await running.get(
        "/graphql", params={"query": '{ category(slug: "a\x00") { slug } }'}
    )
    assert b"%00" in response.request.url.query
    error = nul_entry(response)
    assert [issue["loc"] for issue in error["extensions"]["data"]] == [["query", 1, 18]]
