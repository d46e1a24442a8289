"""The catalog texts of validation issues: complete for every type, filled, never echoing."""

import re

import pytest

from app.core.i18n import LANGUAGES, MessageKey, translate
from app.core.i18n.issues import ISSUE_MESSAGES, issue_message, issue_params, localize_issues

# A sample of each limit a message may name.
SAMPLE_PARAMS: dict[str, str | int] = {
    "min_length": 3,
    "max_length": 64,
    "ge": 1,
    "gt": "0",
    "le": 100,
    "lt": 5,
    "decimal_places": 2,
    "max_digits": 8,
    "limit": 72,
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", sorted(ISSUE_MESSAGES))
def test_every_issue_type_renders_completely(kind: str, language: str) -> None:
    text = issue_message(kind, SAMPLE_PARAMS, language)
    assert text.strip()
    assert not re.search(r"\{\w+\}", text), text  # every placeholder filled
    assert text == translate(ISSUE_MESSAGES[kind], language, SAMPLE_PARAMS)


def test_unknown_types_get_the_generic_text() -> None:
    assert issue_message("something_new", {}, "ar") == translate(MessageKey.ISSUE_INVALID, "ar")


def test_a_missing_limit_falls_back_rather_than_crashing() -> None:
    assert issue_message("string_too_short", {}, "en") == translate(MessageKey.ISSUE_INVALID, "en")


def test_only_public_limits_are_kept_from_ctx() -> None:
    ctx = {"min_length": 3, "pattern": "^[a-z]+$", "error": ValueError("x"), "input": "secret"}
    assert issue_params(ctx) == {"min_length": 3}


def test_localize_replaces_msg_and_drops_ctx() -> None:
    data = [
        {"loc": ["body", "name"], "msg": "", "type": "string_too_long", "ctx": {"max_length": 9}},
        {"loc": ["query", 1, 2], "msg": "Syntax Error: x", "type": "graphql_syntax"},
    ]
    assert localize_issues(data, "hi") == [
        {
            "loc": ["body", "name"],
            "msg": translate(MessageKey.ISSUE_STRING_TOO_LONG, "hi", {"max_length": 9}),
            "type": "string_too_long",
        },
        {"loc": ["query", 1, 2], "msg": "Syntax Error: x", "type": "graphql_syntax"},
    ]
