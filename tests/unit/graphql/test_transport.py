"""Request-level failures: GraphQL-over-HTTP status and body, the envelope in `extensions`."""

from typing import Any

import httpx
import pytest

from app.core.errors import ErrorType
from app.core.i18n import MessageKey, translate
from tests.envelope import check_envelope, check_graphql_errors


def transport_error(
    response: httpx.Response, error_type: ErrorType, language: str = "en"
) -> dict[str, Any]:
    """The one error of a refused request: `{"errors": [...]}` only, with the envelope."""
    assert response.status_code == error_type.status_code, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert "x-request-id" in response.headers
    body = response.json()
    assert set(body) == {"errors"}
    [error] = body["errors"]
    check_envelope(error["extensions"], error_type.status_code, language)
    check_graphql_errors(body, language)
    assert error["extensions"]["error_type"] == error_type.value
    assert error["message"] == error["extensions"]["message"]
    return dict(error)


async def refused_document(
    client: httpx.AsyncClient, query: str, error_type: ErrorType, language: str | None = None
) -> tuple[httpx.Response, dict[str, Any]]:
    """POST a document GraphQL refuses before executing it; the response and its one error.

    Execution never started, so GraphQL-over-HTTP says 200 with `errors` only (`data` is
    absent, not null); the error carries the envelope of `error_type` in `extensions`.
    """
    headers = {"Accept-Language": language} if language else {}
    response = await client.post("/graphql", json={"query": query}, headers=headers)
    assert response.status_code == 200
    assert set(response.json()) == {"errors"}
    [error] = response.json()["errors"]
    check_envelope(error["extensions"], error_type.status_code, language or "en")
    assert error["extensions"]["error_type"] == error_type.value
    return response, error


async def test_get_mutation_is_refused(running: httpx.AsyncClient) -> None:
    response = await running.get("/graphql", params={"query": "mutation { __typename }"})
    error = transport_error(response, ErrorType.METHOD_NOT_ALLOWED)
    assert response.headers["allow"] == "POST"
    assert error["message"] == translate(MessageKey.GRAPHQL_MUTATION_NEEDS_POST, "en")


@pytest.mark.parametrize("body", [b"{not json", b'{"query": ', b"\xff\xfe"])
async def test_malformed_json_is_refused(running: httpx.AsyncClient, body: bytes) -> None:
    response = await running.post(
        "/graphql", content=body, headers={"Content-Type": "application/json"}
    )
    error = transport_error(response, ErrorType.MALFORMED_REQUEST)
    assert error["message"] == translate(MessageKey.MALFORMED_JSON, "en")


@pytest.mark.parametrize("body", [b"null", b"1", b'"query"', b"true"])
async def test_a_body_that_is_not_an_object_is_refused(
    running: httpx.AsyncClient, body: bytes
) -> None:
    # `null` was a 500: strawberry read `.get` off whatever JSON value the body held.
    response = await running.post(
        "/graphql", content=body, headers={"Content-Type": "application/json"}
    )
    error = transport_error(response, ErrorType.MALFORMED_REQUEST)
    assert error["message"] == translate(MessageKey.MALFORMED_REQUEST, "en")


async def test_no_query_is_refused(running: httpx.AsyncClient) -> None:
    response = await running.post("/graphql", json={"variables": {}})
    error = transport_error(response, ErrorType.MALFORMED_REQUEST)
    assert error["message"] == translate(MessageKey.GRAPHQL_QUERY_MISSING, "en")


async def test_get_without_query_is_refused(running: httpx.AsyncClient) -> None:
    transport_error(await running.get("/graphql"), ErrorType.MALFORMED_REQUEST)


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", "application/xml"],
)
async def test_other_content_types_are_refused(
    running: httpx.AsyncClient, content_type: str
) -> None:
    response = await running.post(
        "/graphql", content=b'{"query": "{ __typename }"}', headers={"Content-Type": content_type}
    )
    transport_error(response, ErrorType.UNSUPPORTED_MEDIA_TYPE)


async def test_query_not_a_string_is_refused(running: httpx.AsyncClient) -> None:
    transport_error(await running.post("/graphql", json={"query": 42}), ErrorType.MALFORMED_REQUEST)


async def test_transport_errors_are_translated(running: httpx.AsyncClient) -> None:
    response = await running.post(
        "/graphql",
        content=b"{",
        headers={"Content-Type": "application/json", "Accept-Language": "hi"},
    )
    error = transport_error(response, ErrorType.MALFORMED_REQUEST, "hi")
    assert error["message"] == translate(MessageKey.MALFORMED_JSON, "hi")


async def test_json_with_charset_is_read(running: httpx.AsyncClient) -> None:
    response = await running.post(
        "/graphql",
        content=b'{"query": "{ __typename }"}',
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_syntax_error_is_malformed(running: httpx.AsyncClient) -> None:
    await refused_document(running, "{ me { ", ErrorType.MALFORMED_REQUEST)


async def test_unknown_field_is_a_validation_error(running: httpx.AsyncClient) -> None:
    response, error = await refused_document(running, "{ nope }", ErrorType.VALIDATION_ERROR)
    [issue] = error["extensions"]["data"]
    assert issue["loc"] == ["query", 1, 3]
    assert issue["type"] == "graphql_validation"
    assert issue["msg"] == translate(MessageKey.ISSUE_GRAPHQL_DOCUMENT, "en")
    assert "nope" not in response.text


async def test_unknown_field_in_arabic_names_nothing(running: httpx.AsyncClient) -> None:
    """Outside development the issue is catalog text in the request's language, naming no field."""
    response, error = await refused_document(
        running, "{ zzsecretfield }", ErrorType.VALIDATION_ERROR, "ar"
    )
    assert error["extensions"]["data"] == [
        {
            "loc": ["query", 1, 3],
            "msg": translate(MessageKey.ISSUE_GRAPHQL_DOCUMENT, "ar"),
            "type": "graphql_validation",
        }
    ]
    assert error["message"] == translate(MessageKey.GRAPHQL_INVALID_DOCUMENT, "ar")
    assert "zzsecretfield" not in response.text


async def test_syntax_error_is_catalog_text_in_hindi(running: httpx.AsyncClient) -> None:
    response, error = await refused_document(
        running, "{ zzsecret( }", ErrorType.MALFORMED_REQUEST, "hi"
    )
    [issue] = error["extensions"]["data"]
    assert issue["type"] == "graphql_syntax"
    assert issue["loc"][0] == "query"
    assert issue["msg"] == translate(MessageKey.ISSUE_GRAPHQL_SYNTAX, "hi")
    assert "zzsecret" not in response.text


async def test_invalid_variable_value_is_not_echoed(running: httpx.AsyncClient) -> None:
    secret = "hunter2-do-not-echo"
    response = await running.post(
        "/graphql",
        json={
            "query": "query Q($n: String!) { category(slug: $n) { slug } }",
            "variables": {"n": {"value": secret}},
        },
    )
    assert secret not in response.text
    [error] = response.json()["errors"]
    check_envelope(error["extensions"], 422)
    # Reported at the variable's definition, in the generic text for a bad value.
    assert error["extensions"]["data"] == [
        {
            "loc": ["query", 1, 9],
            "msg": translate(MessageKey.ISSUE_INVALID, "en"),
            "type": "graphql_validation",
        }
    ]


async def test_openapi_leaves_graphql_out(running: httpx.AsyncClient) -> None:
    # GraphQL-over-HTTP (200 with the envelope in `errors[].extensions`) is no REST operation:
    # listed, it would claim REST's envelope responses; the GraphQL schema is its contract.
    paths = (await running.get("/openapi.json")).json()["paths"]
    assert "/graphql" not in paths
    assert (await running.post("/graphql", json={"query": "{ __typename }"})).status_code == 200


async def test_other_authorization_scheme_is_no_token(running: httpx.AsyncClient) -> None:
    response = await running.post(
        "/graphql", json={"query": "{ me { id } }"}, headers={"Authorization": "Basic YTpi"}
    )
    [error] = response.json()["errors"]
    assert error["extensions"]["error_type"] == ErrorType.UNAUTHORIZED.value
    assert error["message"] == translate(MessageKey.AUTH_TOKEN_MISSING, "en")


async def test_oversized_body_keeps_the_plain_envelope(running: httpx.AsyncClient) -> None:
    # Refused by the app's middleware before GraphQL reads anything (unit limit: 1024 bytes).
    query = "{ " + "__typename " * 200 + "}"
    response = await running.post("/graphql", json={"query": query})
    assert response.status_code == 413
    check_envelope(response.json(), 413, "en")


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "PURGE"])
async def test_other_methods_name_get_and_post(running: httpx.AsyncClient, method: str) -> None:
    response = await running.request(method, "/graphql")
    assert response.status_code == 405
    assert sorted(part.strip() for part in response.headers["allow"].split(",")) == ["GET", "POST"]
    check_envelope(response.json(), 405, "en")


async def test_an_unknown_query_parameter_is_refused(running: httpx.AsyncClient) -> None:
    response = await running.get(
        "/graphql",
        params={"query": "{ __typename }", "foo": "1"},
        headers={"Accept-Language": "ar"},
    )
    error = transport_error(response, ErrorType.VALIDATION_ERROR, "ar")
    assert error["extensions"]["data"] == [
        {
            "loc": ["query", "foo"],
            "msg": translate(MessageKey.ISSUE_EXTRA_FORBIDDEN, "ar"),
            "type": "extra_forbidden",
        }
    ]
    ok = await running.get("/graphql", params={"query": "{ __typename }"})
    assert ok.status_code == 200, ok.text


async def test_a_field_error_keeps_data(running: httpx.AsyncClient) -> None:
    # Executed: the refused field is null in `data`, which stays (unlike a request error).
    response = await running.post("/graphql", json={"query": "{ me { id } }"})
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["path"] == ["me"]
