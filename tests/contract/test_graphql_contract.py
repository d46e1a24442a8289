"""GraphQL at /graphql: generated documents and variables (valid, invalid, garbage), any caller."""

import json
from collections.abc import Mapping
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.errors import ErrorType
from app.core.i18n import MessageKey, translate
from app.core.security.tokens import Realm
from app.resources import settings_of
from tests.contract.auth import realm_auth_headers, rejected_tokens
from tests.contract.checks import GeneratedCase
from tests.contract.graphql import GRAPHQL_PATH, graphql_schema, probe_graphql, with_variables
from tests.contract.probes import probe_oversized, probe_wrong_method
from tests.contract.registry import AUTH_ANONYMOUS, AUTH_VALID, GRAPHQL_KEY, registry_for
from tests.contract.routes import (
    EXTENSION_METHODS,
    GRAPHQL_PATHS,
    HTTP_METHODS,
    RouteKey,
    serves_graphql,
)
from tests.contract.strategies import bodies, hostile_headers, json_values
from tests.contract.target import MAX_BODY_BYTES, ContractTarget, contract_target

# Read from the live schema at collection: a root field added tomorrow is generated for and
# demanded by the meta-test without an edit here.
SCHEMA = graphql_schema()
FIELDS = sorted(key for _, key in registry_for(contract_target().app).graphql_fields)
LIMITS = settings_of(contract_target().app).graphql
CALLERS = (None, Realm.USER, Realm.ADMIN)


def test_graphql_is_left_out_of_the_rest_document(target: ContractTarget) -> None:
    # GraphQL-over-HTTP answers 200 with `errors[]` (the envelope in `extensions`), which the
    # REST document's envelope responses would misdescribe; its contract is this module.
    assert serves_graphql(target.app)
    assert not GRAPHQL_PATHS & set(target.schema.raw_schema["paths"])


def _headers(target: ContractTarget, caller: Realm | None) -> Mapping[str, str]:
    return {} if caller is None else realm_auth_headers(target.app, caller)


def _key(label: str) -> RouteKey:
    return (GRAPHQL_KEY, label)


def _mark_caller(target: ContractTarget, key: RouteKey, caller: Realm | None) -> None:
    registry_for(target.app).mark(key, AUTH_ANONYMOUS if caller is None else AUTH_VALID)


def _misfits(answer: Mapping[str, Any]) -> list[Any]:
    # Issues saying the document does not fit the schema (the test environment words them
    # from the catalog, in English here); an issue about a variable's value is another text.
    misfit = translate(MessageKey.ISSUE_GRAPHQL_DOCUMENT, "en")
    return [
        issue
        for error in answer.get("errors") or ()
        for issue in error["extensions"]["data"] or ()
        if isinstance(issue, dict) and issue.get("msg") == misfit
    ]


def _assert_served(answer: Mapping[str, Any]) -> None:
    # A valid document of the twin's schema must validate on the app under contract too.
    misfits = _misfits(answer)
    assert misfits == [], f"the app does not serve what its schema declares: {misfits}"


@SCHEMA.parametrize()
def test_generated_documents_keep_the_contract(case: GeneratedCase, target: ContractTarget) -> None:
    """Every generated document, sent by nobody, a user and an admin, keeps the envelope."""
    key = _key(case.operation.label)
    mode = case.meta.generation.mode.value if case.meta is not None else "explicit"
    for caller in CALLERS:
        answer = probe_graphql(target, key, mode, {"query": case.body}, _headers(target, caller))
        _mark_caller(target, key, caller)
        if mode == "positive":
            _assert_served(answer)


@given(data=st.data())
def test_documents_with_variables(target: ContractTarget, data: st.DataObject) -> None:
    """The same operations with arguments as variables: valid, of the wrong type, garbage."""
    label = data.draw(st.sampled_from(FIELDS), label="field")
    root, field = label.split(".", 1)
    case = data.draw(SCHEMA[root][field].as_strategy(), label="document")
    document, variables = with_variables(SCHEMA.client_schema, root, str(case.body))
    garbled = {
        name: data.draw(st.one_of(st.just(value), json_values()), label=name)
        for name, value in variables.items()
    }
    caller = data.draw(st.sampled_from(CALLERS), label="caller")
    # Queries may also go over GET; a mutation over GET must be refused (405) in the contract.
    method = data.draw(st.sampled_from(["POST", "GET"]), label="method")
    payload = {"query": document, "variables": garbled}
    answer = probe_graphql(
        target, _key(label), "variables", payload, _headers(target, caller), method
    )
    _mark_caller(target, _key(label), caller)
    if garbled == variables and method == "POST":
        _assert_served(answer)


def _only(answer: Mapping[str, Any], error_type: ErrorType) -> None:
    kinds = {error["extensions"]["error_type"] for error in answer.get("errors") or ()}
    assert kinds == {error_type.value}, f"expected only {error_type}: {answer}"


@given(extra=st.integers(1, 6), field=st.sampled_from(FIELDS))
def test_documents_over_the_depth_limit_are_refused(
    target: ContractTarget, extra: int, field: str
) -> None:
    """Nesting deeper than GRAPHQL_MAX_DEPTH is a validation error, whatever the fields."""
    root, name = field.split(".", 1)
    depth = LIMITS.max_depth + extra
    nested = "{ a " * depth + "}" * depth
    operation = "mutation" if root == "Mutation" else "query"
    answer = probe_graphql(target, None, "limits", {"query": f"{operation} {{ {name} {nested} }}"})
    _only(answer, ErrorType.VALIDATION_ERROR)


@given(extra=st.integers(1, 20))
def test_documents_over_the_alias_limit_are_refused(target: ContractTarget, extra: int) -> None:
    """More aliases than GRAPHQL_MAX_ALIASES is a validation error."""
    aliases = " ".join(f"a{index}: __typename" for index in range(LIMITS.max_aliases + extra))
    answer = probe_graphql(target, None, "limits", {"query": f"{{ {aliases} }}"})
    _only(answer, ErrorType.VALIDATION_ERROR)


@settings(max_examples=5)
@given(extra=st.integers(1, 30))
def test_documents_over_the_token_limit_are_refused(target: ContractTarget, extra: int) -> None:
    """More tokens than GRAPHQL_MAX_TOKENS cannot be parsed: a malformed request."""
    # Two bytes a token, so the document stays under the contract app's small body limit.
    payload = {"query": "{ " + "a " * (LIMITS.max_tokens + extra) + "}"}
    assert len(json.dumps(payload)) <= MAX_BODY_BYTES, "raise MAX_BODY_BYTES for this test"
    answer = probe_graphql(target, None, "limits", payload)
    _only(answer, ErrorType.MALFORMED_REQUEST)


def _documents() -> st.SearchStrategy[object]:
    # Text of any kind, GraphQL-looking fragments, and JSON values where a string belongs.
    fragments = st.sampled_from(["{", "}", "query", "mutation", "(", ")", "$", ":", "...", "@"])
    looking = st.lists(st.one_of(fragments, st.sampled_from(FIELDS)), max_size=12).map(" ".join)
    return st.one_of(st.text(max_size=200), looking, json_values())


def _payloads() -> st.SearchStrategy[dict[str, object] | bytes]:
    request = st.fixed_dictionaries(
        {"query": _documents()},
        optional={"variables": json_values(), "operationName": json_values()},
    )
    shapes = st.dictionaries(
        st.sampled_from(["query", "variables", "extensions", "x"]), json_values()
    )
    return st.one_of(request, shapes, bodies())


@given(
    payload=_payloads(),
    method=st.sampled_from(["POST", "GET"]),
    headers=hostile_headers(rejected_tokens(contract_target().app)),
)
def test_garbage_requests_keep_the_contract(
    target: ContractTarget,
    payload: dict[str, object] | bytes,
    method: str,
    headers: dict[str, str],
) -> None:
    """Garbage documents, variables, bodies and headers: errors in the envelope, never a 5xx."""
    if isinstance(payload, bytes):
        method = "POST"
    probe_graphql(target, None, "garbage", payload, headers, method)


def test_other_methods_and_oversized_bodies_get_the_plain_envelope(target: ContractTarget) -> None:
    """What the app refuses before GraphQL reads the request keeps the REST envelope."""
    allowed = frozenset({"GET", "POST"})
    for method in (*HTTP_METHODS, *EXTENSION_METHODS):
        # HEAD is GET without a body (Starlette routes it to GET); OPTIONS is CORS' business.
        if method not in {*allowed, "HEAD", "OPTIONS"}:
            probe_wrong_method(target, GRAPHQL_PATH, method, allowed, GRAPHQL_PATH)
    for streamed in (False, True):
        probe_oversized(target, None, "POST", MAX_BODY_BYTES + 1, streamed)
