"""RFC 9110 `Accept-Language` negotiation with q-values and region fallback."""

import re
from functools import lru_cache

from babel.core import negotiate_locale

from app.core.i18n.catalog import DEFAULT_LANGUAGE, LANGUAGES

# A header longer than this is cut: nobody lists that many languages, and parsing is bounded.
MAX_HEADER_LENGTH = 512
MAX_ENTRIES = 16
_TAG = re.compile(r"^(?:\*|[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*)$")
_QVALUE = re.compile(r"^q=(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$", re.IGNORECASE)


def parse_accept_language(header: str) -> list[str]:
    """Language tags by descending preference; malformed entries and q=0 are dropped."""
    weighted: list[tuple[float, int, str]] = []
    for index, entry in enumerate(header[:MAX_HEADER_LENGTH].split(",")[:MAX_ENTRIES]):
        tag, *params = (part.strip() for part in entry.split(";"))
        if not _TAG.match(tag):
            continue
        quality = 1.0
        for param in params:
            if not _QVALUE.match(param.replace(" ", "")):
                quality = -1.0
                break
            quality = float(param.replace(" ", "")[2:])
        if quality > 0:
            weighted.append((-quality, index, tag))
    return [tag for _, _, tag in sorted(weighted)]


def negotiate(header: str | None) -> str:
    """The shipped language that best matches an `Accept-Language` value (English if none)."""
    # Cut before caching so a hostile header cannot make the cache hold megabytes.
    return _negotiate(header[:MAX_HEADER_LENGTH]) if header else DEFAULT_LANGUAGE


@lru_cache(maxsize=1024)
def _negotiate(header: str) -> str:
    preferred = [tag for tag in parse_accept_language(header) if tag != "*"]
    match = negotiate_locale(preferred, LANGUAGES, sep="-", aliases={})
    return match.split("-")[0].lower() if match else DEFAULT_LANGUAGE
