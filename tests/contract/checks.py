"""The schemathesis side of the contract: the envelope check and how each case is sent."""

from collections.abc import Mapping
from typing import Any, TypeAlias

import schemathesis
from schemathesis import Case, CheckContext, CheckFunction, Response
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    content_type_conformance,
    ensure_resource_availability,
    ignored_auth,
    missing_required_header,
    negative_data_rejection,
    object_level_authorization,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
    use_after_free,
)

from tests.contract.auth import AuthHeaders, caller_password, requires_auth
from tests.contract.hooks import give_caller_password
from tests.contract.reference import PREFIX as REFERENCE_PREFIX
from tests.contract.registry import AUTH_ANONYMOUS, AUTH_VALID, registry_for
from tests.contract.routes import RouteKey
from tests.envelope import Exchange, check_exchange

# A case generated from an OpenAPI operation (schemathesis types it by operation kind).
GeneratedCase: TypeAlias = Case[Any]


def _text(value: str | bytes | None) -> str | None:
    # Request headers may be bytes; HTTP carries them as latin-1.
    return value.decode("latin-1") if isinstance(value, bytes) else value


def exchange_of(response: Any) -> Exchange:
    """The exchange behind a schemathesis (or requests) response."""
    answer = Response.from_any(response)
    request = answer.request
    return Exchange(
        method=str(request.method),
        status=answer.status_code,
        headers={name.lower(): ", ".join(values) for name, values in answer.headers.items()},
        text=answer.text_lossy(),
        accept_language=_text(request.headers.get("accept-language")),
        sent_request_id=_text(request.headers.get("x-request-id")),
    )


def operation_key(case: GeneratedCase) -> RouteKey:
    """The `(METHOD, path template)` pair of the case's operation."""
    return (case.operation.method.upper(), case.operation.path)


def sent_method(response: Any) -> str:
    """The method the request really went out with (coverage probes change it)."""
    return str(Response.from_any(response).request.method).upper()


@schemathesis.check
def envelope_is_kept(ctx: CheckContext, response: Response, case: GeneratedCase) -> bool | None:
    """Every response keeps the envelope contract; the exercised operation is recorded."""
    del ctx
    check_exchange(exchange_of(response))
    # Coverage-phase probes send methods the operation does not have: they reach no route.
    key = operation_key(case) if sent_method(response) == case.operation.method.upper() else None
    mode = case.meta.generation.mode.value if case.meta is not None else "explicit"
    registry_for(case.operation.schema.app).record(key, f"openapi:{mode}")
    return None


# Every check schemathesis has (`--checks all`), plus the envelope: the document is the whole
# contract, so a request it calls valid is accepted (positive_data_acceptance) and one it calls
# invalid is refused (negative_data_rejection). The stateful ones (use_after_free,
# ensure_resource_availability, object_level_authorization) find no linked cases to compare
# here; they run so that a run with links would use them.
CONTRACT_CHECKS: list[CheckFunction] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    missing_required_header,
    unsupported_method,
    allow_header_conformance,
    use_after_free,
    ensure_resource_availability,
    ignored_auth,
    object_level_authorization,
    envelope_is_kept,
]
# The reference routes (`reference.py`) are the suite's own fixtures, typed loosely on purpose
# (pydantic reads a date "0" as 1970-01-01) to attack the foundation's parsing: they keep the
# envelope and the documented statuses, not the data-strictness checks.
REFERENCE_CHECKS: list[CheckFunction] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    unsupported_method,
    envelope_is_kept,
]


def checks_for(case: "GeneratedCase") -> list[CheckFunction]:
    """The checks a case's response must pass: all of them, but on the reference routes."""
    return REFERENCE_CHECKS if case.operation.path.startswith(REFERENCE_PREFIX) else CONTRACT_CHECKS


def holds_nul(value: Any) -> bool:
    """Whether any string in `value` (keys too, at any depth) holds NUL (U+0000)."""
    # A stack, not recursion: hostile bodies nest deeper than recursion goes.
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str) and "\x00" in item:
            return True
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return False


def _is_secured(case: GeneratedCase) -> bool:
    document: Mapping[str, Any] = case.operation.schema.raw_schema
    return requires_auth(case.operation.definition.raw, document)


def run_case(case: GeneratedCase, client: Any, auth_headers: AuthHeaders) -> None:
    """Send one generated case and check the response with `checks_for(case)`."""
    # A secured operation goes out twice: without credentials (it must refuse with 401) and
    # with the hook's valid token (the ordinary contract), so both sides of auth are covered.
    if not _is_secured(case):
        case.validate_response(case.call(session=client), checks=checks_for(case))
        return
    registry = registry_for(case.operation.schema.app)
    if case.headers is not None:
        case.headers.pop("Authorization", None)
    anonymous = case.call(session=client)
    case.validate_response(anonymous, checks=checks_for(case))
    assert anonymous.status_code >= 400, f"{case.operation.label} answered without credentials"
    positive = case.meta is not None and case.meta.generation.mode.value == "positive"
    if positive and sent_method(anonymous) == case.operation.method.upper():
        # The document forbids NUL in every text, so no valid case holds one; a `/` in a path
        # parameter makes it another path, which no route serves (404).
        assert not holds_nul([case.path_parameters, case.query, case.body]), "valid NUL"
        slash = any("/" in str(value) for value in (case.path_parameters or {}).values())
        expected = (401, 404) if slash else (401,)
        assert anonymous.status_code in expected, (
            f"anonymous valid request got {anonymous.status_code}"
        )
    registry.record(operation_key(case), AUTH_ANONYMOUS)
    headers = dict(auth_headers(case.operation.schema.app, case.operation))
    # A valid request carries the caller's own password where the document says so.
    give_caller_password(case, lambda: caller_password(case.operation.schema.app))
    authenticated = case.call(session=client, headers=headers)
    case.validate_response(authenticated, checks=checks_for(case))
    if positive and sent_method(authenticated) == case.operation.method.upper():
        assert authenticated.status_code != 401, "the hook's token was refused"
    registry.record(operation_key(case), AUTH_VALID)
