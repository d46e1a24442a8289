"""schemathesis hooks: the rules the OpenAPI document states only as `x-` extensions.

JSON Schema cannot say "min_price <= max_price" or "at most 72 bytes in UTF-8", so the app
publishes them as extensions (`x-ordered-parameters` on an operation, `x-max-utf8-bytes` on
a string, `x-unique-per-request` on a header) and these hooks keep schemathesis' *positive*
cases within them: a case that breaks one is not valid, so it must not be sent as valid.
Negative cases are left alone. A field
marked `x-caller-password` is given the signed-in caller's password by whoever signs the
case in (`give_caller_password`), as the token is.

Used by the contract tier (imported by its conftest) and by an outside CLI run
(`SCHEMATHESIS_HOOKS=tests.contract.hooks schemathesis run ...`).
"""

import uuid
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import schemathesis
from schemathesis import Case, HookContext

from app.core.openapi_rules import (
    CALLER_PASSWORD_KEY,
    MAX_UTF8_BYTES_KEY,
    ORDERED_PARAMETERS_KEY,
    UNIQUE_PER_REQUEST_KEY,
)
from tests.openapi_refs import resolve


def _number(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def breaks_ordering(definition: Mapping[str, Any], query: Mapping[str, Any] | None) -> bool:
    """Whether `query` gives a pair of `x-ordered-parameters` bounds in the wrong order."""
    for low_name, high_name in definition.get(ORDERED_PARAMETERS_KEY, ()):
        low = _number((query or {}).get(low_name))
        high = _number((query or {}).get(high_name))
        if low is not None and high is not None and low > high:
            return True
    return False


def _body_properties(case: Case[Any]) -> Iterator[tuple[str, list[Mapping[str, Any]]]]:
    # `(name, schemas)` per property of the case's body schema; a nullable field is
    # `anyOf: [{string...}, {null}]`, so its branches are listed beside it.
    request_body = case.operation.definition.raw.get("requestBody")
    if not isinstance(request_body, Mapping):
        return
    document = case.operation.schema.raw_schema
    content = request_body.get("content", {}).get(case.media_type or "application/json", {})
    resolved = resolve(content.get("schema"), document)
    if not isinstance(resolved, Mapping):
        return
    for name, prop in resolved.get("properties", {}).items():
        branches = [prop, *prop.get("anyOf", ())]
        yield name, [resolve(branch, document) for branch in branches]


def breaks_byte_limit(case: Case[Any]) -> bool:
    """Whether the case's body holds a string longer in UTF-8 than its `x-max-utf8-bytes`."""
    body = case.body
    if not isinstance(body, Mapping):
        return False
    for name, schemas in _body_properties(case):
        value = body.get(name)
        limits = [s[MAX_UTF8_BYTES_KEY] for s in schemas if MAX_UTF8_BYTES_KEY in s]
        too_long = isinstance(value, str) and limits
        if too_long and len(str(value).encode("utf-8", "surrogatepass")) > min(limits):
            return True
    return False


def give_caller_password(case: Case[Any], password: Callable[[], str]) -> None:
    """Put the caller's password in the `x-caller-password` fields of a positive case."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return
    if not isinstance(case.body, dict):
        return
    for name, schemas in _body_properties(case):
        if name in case.body and any(s.get(CALLER_PASSWORD_KEY) for s in schemas):
            case.body[name] = password()


@schemathesis.hook
def filter_case(context: HookContext, case: Case[Any]) -> bool:
    """Keep a positive case only if it also meets the rules stated as extensions."""
    del context
    definition = case.operation.definition.raw
    # GraphQL operations (the contract tier fuzzes those too) have no OpenAPI definition.
    if not isinstance(definition, Mapping):
        return True
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return True
    if breaks_ordering(definition, case.query):
        return False
    return not breaks_byte_limit(case)


def unique_headers(definition: Mapping[str, Any]) -> set[str]:
    """The lower-cased names of the operation's `x-unique-per-request` header parameters."""
    return {
        str(parameter["name"]).lower()
        for parameter in definition.get("parameters", ())
        if parameter.get("in") == "header"
        and (parameter.get("schema") or {}).get(UNIQUE_PER_REQUEST_KEY)
    }


@schemathesis.hook
def map_case(context: HookContext, case: Case[Any]) -> Case[Any]:
    """Give a positive case's `x-unique-per-request` headers a value no other case sent."""
    del context
    definition = case.operation.definition.raw
    if not isinstance(definition, Mapping) or not case.headers:
        return case
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return case
    unique = unique_headers(definition)
    for name in [name for name in case.headers if name.lower() in unique]:
        # Generated strings repeat ("0", "00"...); a reused key with another body is a 422.
        case.headers[name] = uuid.uuid4().hex
    return case
