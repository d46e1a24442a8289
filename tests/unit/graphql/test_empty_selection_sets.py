"""Empty selection sets are a client's invalid document (422 in the envelope), never a 500."""

import httpx
import pytest

from app.core.errors import ErrorType
from app.core.i18n import MessageKey, translate
from tests.unit.graphql.assertions import only_error
from tests.unit.graphql.conftest import Post

# Each holds exactly one empty selection set, at line 1 and the column given.
EMPTY = [
    ("{}", 1),
    ("{ }", 1),
    ("query {}", 7),
    ("{ me {} }", 6),
    ("{ ... on Query {} }", 16),
]


def check_refused(response: httpx.Response, column: int) -> None:
    """One VALIDATION_ERROR entry naming the empty selection set; nothing executed, no `data`."""
    assert response.status_code == 200
    assert "data" not in response.json()  # never executed (GraphQL over HTTP)
    error = only_error(response, ErrorType.VALIDATION_ERROR)
    [issue] = error["extensions"]["data"]
    assert issue == {
        "loc": ["query", 1, column],
        "msg": translate(MessageKey.ISSUE_GRAPHQL_DOCUMENT, "en"),
        "type": "graphql_validation",
    }


@pytest.mark.parametrize(("query", "column"), EMPTY)
async def test_empty_selection_set_by_post_is_refused(
    post_graphql: Post, query: str, column: int
) -> None:
    check_refused(await post_graphql(query), column)


@pytest.mark.parametrize(("query", "column"), EMPTY)
async def test_empty_selection_set_by_get_is_refused(
    running: httpx.AsyncClient, query: str, column: int
) -> None:
    check_refused(await running.get("/graphql", params={"query": query}), column)


async def test_empty_selection_set_in_a_fragment_is_refused(post_graphql: Post) -> None:
    response = await post_graphql("{ ...F } fragment F on Query {}")
    check_refused(response, 30)


async def test_a_non_empty_document_is_still_measured_and_served(post_graphql: Post) -> None:
    # The depth rule is skipped only for documents holding `{}`: others still resolve.
    body = (await post_graphql("{ __typename }")).json()
    assert body == {"data": {"__typename": "Query"}}
