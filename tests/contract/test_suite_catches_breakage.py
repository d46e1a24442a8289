"""The suite itself: the same checks, run against an app that breaks the contract, must fail."""

import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from schemathesis.core.failures import ServerError

from app.core.errors import ErrorType
from app.core.i18n import translate
from tests.contract.auth import valid_auth_headers
from tests.contract.checks import GeneratedCase, run_case
from tests.contract.probes import probe_headers
from tests.contract.registry import Registry
from tests.contract.routes import http_routes
from tests.contract.specimens import broken_target
from tests.envelope import Exchange, check_exchange, check_graphql_errors, check_graphql_exchange

BROKEN = broken_target()


def _leaves(error: BaseException) -> Iterator[BaseException]:
    if isinstance(error, BaseExceptionGroup):
        for inner in error.exceptions:
            yield from _leaves(inner)
    else:
        yield error


def _run_schemathesis(path: str) -> list[BaseException]:
    """Run the contract's schemathesis test body on one broken operation; return its failures."""
    operation = BROKEN.schema[path]["GET"]

    @settings(max_examples=3, database=None, derandomize=True)
    @given(case=operation.as_strategy())
    def contract_test(case: GeneratedCase) -> None:
        run_case(case, BROKEN.client, valid_auth_headers)

    with pytest.raises(BaseExceptionGroup) as caught:
        contract_test()
    return list(_leaves(caught.value))


def test_a_bare_dict_fails_the_envelope_check() -> None:
    failures = _run_schemathesis("/broken/bare")
    assert any("keys ['ok']" in str(failure) for failure in failures), failures


def test_an_escaped_exception_fails_not_a_server_error() -> None:
    failures = _run_schemathesis("/broken/crash")
    assert any(isinstance(failure, ServerError) for failure in failures), failures


def _route(path: str) -> Any:
    return next(route for route in http_routes(BROKEN.app) if route.path == path)


def test_hand_written_probe_fails_on_a_bare_dict() -> None:
    with pytest.raises(AssertionError, match="keys"):
        probe_headers(BROKEN, _route("/broken/bare"), "GET", {})


def test_hand_written_probe_fails_on_an_ignored_language() -> None:
    probe_headers(BROKEN, _route("/broken/english"), "GET", {"Accept-Language": "en"})
    with pytest.raises(AssertionError, match="not a 'ar' catalog text"):
        probe_headers(BROKEN, _route("/broken/english"), "GET", {"Accept-Language": "ar-SA"})


GOOD_BODY = {
    "status": -1,
    "error_type": "NOT_FOUND",
    "message": "No such endpoint.",
    "status_code": 404,
    "data": None,
}
GOOD = Exchange(
    method="GET",
    status=404,
    headers={"x-request-id": "abc-1", "content-type": "application/json"},
    text=json.dumps(GOOD_BODY),
    sent_request_id="abc-1",
)


def _with_body(**changes: Any) -> Exchange:
    return replace(GOOD, text=json.dumps({**GOOD_BODY, **changes}))


def test_the_helper_accepts_a_good_exchange() -> None:
    assert check_exchange(GOOD) == GOOD_BODY


@pytest.mark.parametrize(
    ("exchange", "complaint"),
    [
        (replace(GOOD, headers={"content-type": "application/json"}), "no X-Request-ID"),
        (replace(GOOD, sent_request_id="mine-2"), "was not kept"),
        (replace(GOOD, headers={**GOOD.headers, "x-request-id": "<b>"}), "unsafe X-Request-ID"),
        (replace(GOOD, text="not json"), "not JSON"),
        (replace(GOOD, headers={**GOOD.headers, "content-type": "text/html"}), "content-type"),
        (replace(GOOD, text=json.dumps({**GOOD_BODY, "extra": 1})), "keys"),
        (_with_body(status_code=400), "status_code 400"),
        (_with_body(status=1), "status 1"),
        (_with_body(error_type="OOPS"), "error_type 'OOPS'"),
        (_with_body(error_type="CONFLICT"), "never sent with 404"),
        (_with_body(message=" "), "empty message"),
        (_with_body(message="لا توجد نقطة نهاية بهذا العنوان."), "not a 'en' catalog text"),
        (replace(GOOD, accept_language="hi"), "not a 'hi' catalog text"),
        (_with_body(data="Traceback (most recent call last):"), "traceback leaked"),
        (_with_body(data={"detail": "SELECT id FROM users"}), "SQL leaked"),
        (_with_body(data=["/srv/app/core/handlers.py"]), "file path leaked"),
        (_with_body(data="KeyError: 'id'"), "exception class name leaked"),
        (replace(GOOD, status=500, text=json.dumps({**GOOD_BODY, "status_code": 500})), "500"),
        (replace(GOOD, status=405, text=json.dumps({**GOOD_BODY, "status_code": 405})), "allow"),
        (replace(GOOD, method="HEAD"), "HEAD response with a body"),
    ],
)
def test_the_helper_rejects_each_broken_promise(exchange: Exchange, complaint: str) -> None:
    with pytest.raises(AssertionError, match=complaint):
        check_exchange(exchange)


def test_the_helper_checks_graphql_extensions() -> None:
    good = {"data": None, "errors": [{"message": "No such endpoint.", "extensions": GOOD_BODY}]}
    check_graphql_errors(good, "en")
    broken_payloads: tuple[dict[str, Any], ...] = (
        {"data": None, "errors": [{"message": "x"}]},
        {"data": None, "errors": [{"extensions": {**GOOD_BODY, "extra": 1}}]},
        {"data": None, "errors": [{"extensions": {**GOOD_BODY, "message": "boom"}}]},
        {"data": None, "errors": []},
    )
    for broken in broken_payloads:
        with pytest.raises(AssertionError):
            check_graphql_errors(broken, "en")


def test_the_coverage_check_reports_an_unexercised_route() -> None:
    registry = Registry()
    registry.record(("GET", "/a"), "openapi:positive")
    registry.record(("GET", "/b"), "probe:headers")
    assert registry.missing({("GET", "/a"), ("GET", "/b")}, set()) == [
        "GET /b: not exercised by the OpenAPI contract"
    ]


def _graphql(status: int, body: dict[str, Any]) -> Exchange:
    return replace(GOOD, status=status, text=json.dumps(body))


def _entry(**changes: Any) -> dict[str, Any]:
    envelope = {**GOOD_BODY, **changes}
    return {"message": envelope["message"], "extensions": envelope}


INTERNAL = {
    "error_type": ErrorType.INTERNAL_ERROR.value,
    "message": translate(ErrorType.INTERNAL_ERROR.message_key, "en"),
    "status_code": 500,
}


def test_the_graphql_helper_accepts_good_answers() -> None:
    check_graphql_exchange(_graphql(200, {"data": {"me": None}, "errors": [_entry()]}))
    check_graphql_exchange(_graphql(200, {"data": {"me": None}}))
    check_graphql_exchange(_graphql(404, {"errors": [_entry()]}))
    check_graphql_exchange(_graphql(404, GOOD_BODY))


@pytest.mark.parametrize(
    ("exchange", "complaint"),
    [
        (_graphql(200, {"data": None, "errors": [_entry(**INTERNAL)]}), "500 for client input"),
        (_graphql(500, {"errors": [_entry(**INTERNAL)]}), "500 for client input"),
        (_graphql(200, {"data": None, "errors": [{"message": "x"}]}), "without extensions"),
        (_graphql(404, {"data": None, "errors": [_entry()]}), "with data"),
        (_graphql(400, {"errors": [_entry()]}), "entries say"),
        (_graphql(200, {"data": None, "oops": 1}), "GraphQL keys"),
        (_graphql(200, {"data": None, "errors": [_entry(message="boom")]}), "catalog text"),
    ],
)
def test_the_graphql_helper_rejects_each_broken_promise(exchange: Exchange, complaint: str) -> None:
    with pytest.raises(AssertionError, match=complaint):
        check_graphql_exchange(exchange)
