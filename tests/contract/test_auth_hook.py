"""The token hook's code path, proven now on a secured specimen app (the live app has none yet)."""

from collections.abc import Mapping
from typing import Any

import pytest
from fastapi import FastAPI
from hypothesis import given, settings

from tests.contract.auth import secured_keys, valid_auth_headers
from tests.contract.checks import GeneratedCase, run_case
from tests.contract.probes import probe_headers
from tests.contract.registry import Registry, registry_for
from tests.contract.routes import http_routes
from tests.contract.specimens import SPECIMEN_TOKEN, secured_target
from tests.contract.strategies import hostile_headers

SECURED = secured_target()
OPERATION = SECURED.schema["/secured/me"]["GET"]
KEY = ("GET", "/secured/me")
ROUTE = next(route for route in http_routes(SECURED.app) if route.path == "/secured/me")


def specimen_headers(app: FastAPI, operation: Any) -> Mapping[str, str]:
    del app, operation
    return {"Authorization": f"Bearer {SPECIMEN_TOKEN}"}


def refused_headers(app: FastAPI, operation: Any) -> Mapping[str, str]:
    del app, operation
    return {"Authorization": "Bearer not-the-token"}


def test_secured_operations_are_found_in_the_document() -> None:
    assert secured_keys(SECURED.schema.raw_schema) == {KEY}


def test_secured_operation_is_sent_without_and_with_a_token() -> None:
    @settings(max_examples=5, database=None)
    @given(case=OPERATION.as_strategy())
    def send(case: GeneratedCase) -> None:
        run_case(case, SECURED.client, specimen_headers)

    send()
    assert registry_for(SECURED.app).missing({KEY}, {KEY}) == []


def test_a_refused_token_fails_the_suite() -> None:
    @settings(max_examples=3, database=None)
    @given(case=OPERATION.as_strategy())
    def send(case: GeneratedCase) -> None:
        run_case(case, SECURED.client, refused_headers)

    with pytest.raises(AssertionError, match="token was refused"):
        send()


def test_secured_operation_without_both_sends_is_reported() -> None:
    registry = Registry()
    registry.record(KEY, "openapi:positive")
    assert registry.missing({KEY}, {KEY}) == [
        "GET /secured/me: secured but never sent as auth:anonymous",
        "GET /secured/me: secured but never sent as auth:valid",
    ]


@given(headers=hostile_headers(rejected=["not-the-token", SPECIMEN_TOKEN + "x"]))
def test_hostile_credentials_never_open_a_secured_route(headers: dict[str, str]) -> None:
    probe_headers(SECURED, ROUTE, "GET", headers, secured=True)


def test_a_valid_token_is_not_mistaken_for_a_hostile_one() -> None:
    with pytest.raises(AssertionError, match="answered 200, expected 401"):
        probe_headers(SECURED, ROUTE, "GET", specimen_headers(SECURED.app, OPERATION), secured=True)


def test_the_live_hook_demands_an_implementation_once_security_appears() -> None:
    with pytest.raises(NotImplementedError, match="valid_auth_headers"):
        valid_auth_headers(SECURED.app, OPERATION)
