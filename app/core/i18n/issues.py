"""The text of each validation issue: chosen by its type, filled from its limits, translated.

Pydantic's own `msg` is English, may quote the rule (a regex) and is never sent. Instead each
issue's `type` names a catalog entry, and the rule's public limits (`min_length`, `le`...)
fill its placeholders; the submitted value never reaches the text.
"""

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from app.core.i18n.catalog import translate
from app.core.i18n.keys import MessageKey

_PLACEHOLDER = re.compile(r"\{\w+\}")
# Limits a message may show: they describe the rule, never the input.
SHOWN_PARAMS = frozenset(
    {"min_length", "max_length", "ge", "gt", "le", "lt", "max_digits", "decimal_places", "limit"}
)

_WRONG_TYPE = MessageKey.ISSUE_WRONG_TYPE
ISSUE_MESSAGES: Mapping[str, MessageKey] = {
    "missing": MessageKey.ISSUE_MISSING,
    "extra_forbidden": MessageKey.ISSUE_EXTRA_FORBIDDEN,
    "string_too_short": MessageKey.ISSUE_STRING_TOO_SHORT,
    "string_too_long": MessageKey.ISSUE_STRING_TOO_LONG,
    "string_pattern_mismatch": MessageKey.ISSUE_PATTERN_MISMATCH,
    "string_type": MessageKey.ISSUE_STRING_TYPE,
    "too_short": MessageKey.ISSUE_TOO_FEW_ITEMS,
    "too_long": MessageKey.ISSUE_TOO_MANY_ITEMS,
    "int_type": MessageKey.ISSUE_INTEGER,
    "int_parsing": MessageKey.ISSUE_INTEGER,
    "int_from_float": MessageKey.ISSUE_INTEGER,
    "int_parsing_size": MessageKey.ISSUE_INTEGER,
    "float_type": MessageKey.ISSUE_NUMBER,
    "float_parsing": MessageKey.ISSUE_NUMBER,
    "decimal_type": MessageKey.ISSUE_NUMBER,
    "decimal_parsing": MessageKey.ISSUE_NUMBER,
    "decimal_max_places": MessageKey.ISSUE_DECIMAL_PLACES,
    "decimal_max_digits": MessageKey.ISSUE_DECIMAL_DIGITS,
    "decimal_whole_digits": MessageKey.ISSUE_DECIMAL_DIGITS,
    "greater_than": MessageKey.ISSUE_GREATER_THAN,
    "greater_than_equal": MessageKey.ISSUE_AT_LEAST,
    "less_than": MessageKey.ISSUE_LESS_THAN,
    "less_than_equal": MessageKey.ISSUE_AT_MOST,
    "bool_type": MessageKey.ISSUE_BOOLEAN,
    "bool_parsing": MessageKey.ISSUE_BOOLEAN,
    "enum": MessageKey.ISSUE_CHOICE,
    "literal_error": MessageKey.ISSUE_CHOICE,
    "list_type": _WRONG_TYPE,
    "dict_type": _WRONG_TYPE,
    "model_type": _WRONG_TYPE,
    "model_attributes_type": _WRONG_TYPE,
    "json_type": _WRONG_TYPE,
    "none_required": _WRONG_TYPE,
    "operator_key": MessageKey.ISSUE_OPERATOR,
    "operator_text": MessageKey.ISSUE_OPERATOR,
    "price_type": MessageKey.ISSUE_PRICE_FORMAT,
    "price_format": MessageKey.ISSUE_PRICE_FORMAT,
    "price_range": MessageKey.ISSUE_PRICE_RANGE,
    "nul_character": MessageKey.NUL_CHARACTER,
    "object_id": MessageKey.ISSUE_OBJECT_ID,
    "category_unknown": MessageKey.CATEGORY_UNKNOWN,
    "current_password_wrong": MessageKey.AUTH_CURRENT_PASSWORD_WRONG,
    "password_too_short": MessageKey.ISSUE_PASSWORD_TOO_SHORT,
    "password_too_long": MessageKey.ISSUE_PASSWORD_TOO_LONG,
    "password_too_many_bytes": MessageKey.ISSUE_PASSWORD_TOO_MANY_BYTES,
    "nothing_to_change": MessageKey.ISSUE_NOTHING_TO_CHANGE,
    "idempotency_key": MessageKey.IDEMPOTENCY_KEY_INVALID,
    "idempotency_key_reused": MessageKey.IDEMPOTENCY_KEY_REUSED,
}

# Issues about the GraphQL document itself (its syntax, its fit to the schema) arrive already
# worded by app/graphql/errors.py: catalog text in the request's language, or graphql-core's
# own text in development, where developers need the names it quotes.
KEPT_PREFIX = "graphql_"


class RuleViolationError(ValueError):
    """A validator's refusal with its own issue type and the public limits of the rule.

    A `ValueError`, so pydantic reports it and plain callers (the CLI) read `str(exc)`; the
    API shows the catalog text for `kind` instead of this English one.
    """

    def __init__(self, kind: str, text: str, **params: int) -> None:
        super().__init__(text)
        self.kind = kind
        self.params = params


def _shown(value: Any) -> str | int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | str):
        return value
    if isinstance(value, Decimal | float):
        return format(value, "f") if isinstance(value, Decimal) else repr(value)
    return None


def issue_params(ctx: Mapping[str, Any] | None) -> dict[str, str | int]:
    """The limits of a pydantic error's `ctx` that its message may show (nothing of the input)."""
    shown: dict[str, str | int] = {}
    for name, value in (ctx or {}).items():
        if name in SHOWN_PARAMS and (text := _shown(value)) is not None:
            shown[name] = text
    return shown


def issue_message(kind: str, params: Mapping[str, str | int], language: str) -> str:
    """The catalog text for an issue of type `kind` in `language`, its limits filled in."""
    key = ISSUE_MESSAGES.get(kind, MessageKey.ISSUE_INVALID)
    try:
        text = translate(key, language, params)
    except (KeyError, IndexError, ValueError):
        text = ""
    if not text or _PLACEHOLDER.search(text):
        # A limit the text needs is missing: the generic text is still true.
        return translate(MessageKey.ISSUE_INVALID, language)
    return text


def localize_issues(data: Any, language: str) -> Any:
    """`data` with each `{loc, msg, type}` issue's `msg` from the catalog (other data as is)."""
    if not isinstance(data, list):
        return data
    localized: list[Any] = []
    for item in data:
        if isinstance(item, dict) and {"loc", "type"} <= item.keys():
            kind = str(item["type"])
            params = item.get("ctx") or {}
            msg = item.get("msg", "")
            if not kind.startswith(KEPT_PREFIX):
                msg = issue_message(kind, params, language)
            localized.append({"loc": item["loc"], "msg": msg, "type": kind})
        else:
            localized.append(item)
    return localized
