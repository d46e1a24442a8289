"""Loads the `.po` catalogs once and looks messages up in them."""

from collections.abc import Mapping
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

from app.core.i18n.keys import MessageKey

LOCALES_DIR = Path(__file__).parent / "locales"
DEFAULT_LANGUAGE = "en"
# The order is the tie-break when a client weighs two languages equally.
LANGUAGES: tuple[str, ...] = ("en", "ar", "hi")


@cache
def load_catalog(language: str) -> Mapping[str, str]:
    """Read one language's catalog into a `msgid -> msgstr` map (fuzzy and empty entries out)."""
    with (LOCALES_DIR / f"{language}.po").open("rb") as handle:
        catalog = read_po(handle, locale=language)
    return {
        str(message.id): str(message.string)
        for message in catalog
        if message.id and message.string and not message.fuzzy
    }


def translate(key: MessageKey, language: str, params: Mapping[str, str | int] | None = None) -> str:
    """The message in `language`, falling back to English, with `{name}` params filled in."""
    text = load_catalog(language).get(key) or load_catalog(DEFAULT_LANGUAGE).get(key) or key
    return text.format_map(dict(params)) if params else text
