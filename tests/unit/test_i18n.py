"""Catalog completeness and Accept-Language negotiation."""

import pytest

from app.core.i18n import LANGUAGES, MessageKey, negotiate, translate
from app.core.i18n.catalog import load_catalog


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language: str) -> None:
    catalog = load_catalog(language)
    missing = [key.value for key in MessageKey if not catalog.get(key)]
    assert missing == [], f"{language}.po lacks {missing}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogs_hold_no_stale_entries(language: str) -> None:
    known = {key.value for key in MessageKey}
    assert set(load_catalog(language)) <= known


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_translations_differ_from_english(language: str) -> None:
    same = [k.value for k in MessageKey if translate(k, language) == translate(k, "en")]
    assert same == []


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("ar", "ar"),
        ("ar-SA", "ar"),
        ("AR-sa", "ar"),
        ("hi;q=1, ar;q=0.5", "hi"),
        ("ar;q=0.5, hi;q=1", "hi"),
        ("fr, ar;q=0.1", "ar"),
        ("hi;q=0, ar;q=0.2", "ar"),
        ("de", "en"),
        ("*", "en"),
        ("", "en"),
        (None, "en"),
        ("garbage;;;=,,", "en"),
        ("ar;q=2", "en"),
        ("ar;q=abc, hi", "hi"),
        ("x" * 100_000, "en"),
        ("en-US, ar;q=0.9", "en"),
    ],
)
def test_negotiation(header: str | None, expected: str) -> None:
    assert negotiate(header) == expected


def test_params_fill_placeholders() -> None:
    assert translate(MessageKey.NOT_FOUND, "en", {"unused": 1}) == translate(
        MessageKey.NOT_FOUND, "en"
    )
