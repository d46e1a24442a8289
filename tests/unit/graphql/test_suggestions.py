"""No "Did you mean" hint outside development: argument, type, enum and input-field guesses."""

import pytest

from tests.unit.graphql.conftest import Post

# Each document is one near-miss graphql-core would answer with a suggestion.
NEAR_MISSES = [
    pytest.param("{ products(pag: {limit: 1}) { total } }", id="argument"),
    pytest.param("query($p: PageInputs) { products(page: $p) { total } }", id="type"),
    pytest.param("{ products(filter: {sort: NEWES}) { total } }", id="enum"),
    pytest.param('{ products(filter: {catgory: "x"}) { total } }', id="input-field"),
    pytest.param("{ product { nam } }", id="field"),
]


@pytest.mark.parametrize("query", NEAR_MISSES)
async def test_no_suggestion_outside_development(post_graphql: Post, query: str) -> None:
    """The test environment is not development: no entry hints at a name, none quotes a value."""
    body = (await post_graphql(query)).json()
    assert body["errors"], body
    text = str(body)
    assert "Did you mean" not in text
    assert "NEWES" not in text
    for name in ("pag", "PageInputs", "catgory", "nam "):
        assert name not in text
