"""Abuse limits: depth, aliases, tokens and batching are refused before anything resolves."""

import uuid
from typing import Any

import httpx
import pytest
from graphql.validation import validate

from app.core.errors import ErrorType
from app.core.i18n import MessageKey, translate
from app.settings import GraphQLSettings, Settings
from tests.envelope import check_envelope
from tests.harness.fixtures import MakeSettings
from tests.unit.graphql.assertions import every_error, only_error
from tests.unit.graphql.conftest import Post

LIMITS = GraphQLSettings(max_depth=6, max_aliases=30, max_tokens=2000)


@pytest.fixture
def settings(make_settings: MakeSettings) -> Settings:
    """Test settings with the limits above."""
    return make_settings(graphql=LIMITS)


async def test_depth_over_the_limit_is_refused(post_graphql: Post) -> None:
    # The schema has no type deep enough yet (and the limiter does not count introspection
    # fields), so the document nests below a scalar too: that is reported as well, and every
    # entry must carry the envelope.
    # The same nesting one level deep breaks only the scalar rule: the extra entry is depth's.
    def nested(levels: int) -> str:
        return "{ me { id " + "{ x " * levels + "}" * levels + " } }"

    response = await post_graphql(nested(LIMITS.max_depth + 2))
    assert response.status_code == 200
    body = response.json()
    assert "data" not in body  # refused before execution: no `data` key
    errors = every_error(response, ErrorType.VALIDATION_ERROR)
    shallow = every_error(await post_graphql(nested(1)), ErrorType.VALIDATION_ERROR)
    assert len(errors) == len(shallow) + 1
    issues = [issue for error in errors for issue in error["extensions"]["data"]]
    document = translate(MessageKey.ISSUE_GRAPHQL_DOCUMENT, "en")
    assert {(issue["type"], issue["msg"]) for issue in issues} == {("graphql_validation", document)}


async def test_hundreds_of_aliases_are_refused(post_graphql: Post) -> None:
    query = "{ " + " ".join(f"a{index}: __typename" for index in range(300)) + " }"
    response = await post_graphql(query)
    error = only_error(response, ErrorType.VALIDATION_ERROR)
    [issue] = error["extensions"]["data"]
    assert issue["type"] == "graphql_validation"
    assert issue["msg"] == translate(MessageKey.ISSUE_GRAPHQL_DOCUMENT, "en")
    assert "data" not in response.json()


async def test_aliases_within_the_limit_are_served(post_graphql: Post) -> None:
    query = "{ " + " ".join(f"a{index}: __typename" for index in range(LIMITS.max_aliases)) + " }"
    body = (await post_graphql(query)).json()
    assert "errors" not in body
    assert len(body["data"]) == LIMITS.max_aliases


async def test_too_many_tokens_is_a_malformed_request(post_graphql: Post) -> None:
    query = "{ " + "__typename " * LIMITS.max_tokens + "}"
    response = await post_graphql(query)
    error = only_error(response, ErrorType.MALFORMED_REQUEST)
    [issue] = error["extensions"]["data"]
    assert issue["type"] == "graphql_syntax"
    assert issue["msg"] == translate(MessageKey.ISSUE_GRAPHQL_SYNTAX, "en")


async def test_batching_is_refused(running: httpx.AsyncClient) -> None:
    batch = [{"query": "{ __typename }"}, {"query": "{ __typename }"}]
    response = await running.post("/graphql", json=batch)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"errors"}
    [error] = body["errors"]
    check_envelope(error["extensions"], 400)
    assert error["extensions"]["error_type"] == ErrorType.MALFORMED_REQUEST.value
    assert "one operation" in error["message"]


async def test_a_repeated_document_is_validated_once_and_still_limited(
    post_graphql: Post, monkeypatch: pytest.MonkeyPatch
) -> None:
    validations: list[object] = []

    def counted(*args: Any, **kwargs: Any) -> Any:
        validations.append(args[1])
        return validate(*args, **kwargs)

    # Strawberry's validation step calls graphql-core's `validate` through this name.
    monkeypatch.setattr("strawberry.schema.schema.validate", counted)
    # Documents no earlier test sent: the app (and its caches) may have served other tests.
    marker = uuid.uuid4().hex
    fine = f"{{ probe{marker}: __typename }}"
    too_many = "{ " + " ".join(f"a{index}{marker}: __typename" for index in range(300)) + " }"
    for _ in range(3):
        assert (await post_graphql(fine)).json()["data"] == {f"probe{marker}": "Query"}
        # Served from the cache, the refusal is the same on every request.
        only_error(await post_graphql(too_many), ErrorType.VALIDATION_ERROR)
    assert len(validations) == 2


async def test_a_document_that_does_not_parse_is_refused_every_time(post_graphql: Post) -> None:
    for _ in range(2):
        only_error(await post_graphql("{ me { "), ErrorType.MALFORMED_REQUEST)
