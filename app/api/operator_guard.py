"""Input that can never reach MongoDB as an operator (`$gt`, `$where`, `$ne`...).

Typed models are the first line: a field that expects a string refuses an object. These
checks are the second, so a future `dict` field or a loosened type cannot reopen the hole:
a body with a `$`-prefixed key anywhere, however deep, and a query text that is an operator
name or a JSON object carrying one, are refused with a 422 before any code reads them.
"""

import json
from typing import Annotated, Any

from pydantic import AfterValidator, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from app.api.request_model import RequestModel
from app.core.openapi_rules import TRIMMED, trim

OPERATOR_PREFIX = "$"
# What the schema can say of the rule below: trimmed, it is not empty and does not start
# with `$` (a JSON object carrying an operator key is refused too, which no pattern says).
QUERY_TEXT_PATTERN = rf"^[{TRIMMED}]*[^\x00{TRIMMED}$][^\x00]*$"


def has_operator_key(value: object) -> bool:
    """Whether `value` holds, at any depth, a mapping key that starts with `$`."""
    pending = [value]
    # Iterative: a hostile, deeply nested body must not exhaust the recursion limit.
    while pending:
        current = pending.pop()
        if isinstance(current, dict):
            for key, item in current.items():
                if isinstance(key, str) and key.startswith(OPERATOR_PREFIX):
                    return True
                pending.append(item)
        elif isinstance(current, list | tuple):
            pending.extend(current)
    return False


def _operator_key_error() -> PydanticCustomError:
    return PydanticCustomError("operator_key", "Keys starting with '$' are not allowed")


class OperatorFreeModel(RequestModel):
    """A request body: unknown fields and `$`-prefixed keys anywhere in it are refused."""

    # No model-wide trimming (RequestModel has none): a field's schema limits apply to the
    # text as sent (fields that trim say so in their type, after their limits).
    @model_validator(mode="before")
    @classmethod
    def _refuse_operator_keys(cls, data: Any) -> Any:
        if has_operator_key(data):
            raise _operator_key_error()
        return data


def _refuse_operator_text(text: str) -> str:
    if text.startswith(OPERATOR_PREFIX):
        raise PydanticCustomError("operator_text", "Values starting with '$' are not allowed")
    if text.startswith(("{", "[")):
        try:
            parsed = json.loads(text)
        except ValueError:
            return text  # plain text that happens to start with a bracket
        if has_operator_key(parsed):
            raise _operator_key_error()
    return text


# Free text for a query parameter: matched literally by the code that uses it, and refused
# outright when it is shaped like an operator, so a probe gets a loud 422.
QueryText = Annotated[
    str,
    # Limits on the text as sent, then trimmed (see `app.core.openapi_rules`).
    StringConstraints(min_length=1, max_length=100, pattern=QUERY_TEXT_PATTERN),
    AfterValidator(trim),
    AfterValidator(_refuse_operator_text),
]
