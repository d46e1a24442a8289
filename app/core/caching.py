"""What caches are told: `Content-Language`, `Vary` and a `Cache-Control` per route.

A route that may be cached says so itself (`public_cache`, or `private, no-cache` for the
caller's own account); every other response is `no-store`, so nothing signed-in or failing is
kept by default. A request that carries `Authorization` is never answered as `public`.
"""

from collections.abc import Iterable

from fastapi import Response

# Public catalog reads: short, so an edit shows within the minute even through a CDN.
CATALOG_MAX_AGE_SECONDS = 30
PUBLIC_CATALOG = f"public, max-age={CATALOG_MAX_AGE_SECONDS}"
# The caller's own data: only their client may keep it, and must revalidate (ETag) first.
PRIVATE_REVALIDATE = "private, no-cache"
NO_STORE = b"no-store"
_PUBLIC = b"public"

_CACHE_CONTROL = b"cache-control"
_CONTENT_TYPE = b"content-type"
_CONTENT_LANGUAGE = b"content-language"
_VARY = b"vary"
_ACCEPT_LANGUAGE = b"Accept-Language"


def public_cache(response: Response) -> None:
    """Let any cache keep this successful answer briefly (public catalog reads only)."""
    response.headers["Cache-Control"] = PUBLIC_CATALOG


def _is_translated(content_type: bytes) -> bool:
    # The envelope and GraphQL answers carry translated messages; a JWK Set or a page does not.
    return content_type.split(b";")[0].strip().lower() == b"application/json"


def cache_headers(
    headers: Iterable[tuple[bytes, bytes]], language: str, authorized: bool
) -> list[tuple[bytes, bytes]]:
    """`headers` with the language and caching headers every response must carry."""
    decorated: list[tuple[bytes, bytes]] = []
    content_type = cache_control = None
    has_language = False
    vary: list[bytes] = []
    for key, value in headers:
        lowered = key.lower()
        if lowered == _CONTENT_TYPE:
            content_type = value
        elif lowered == _CONTENT_LANGUAGE:
            has_language = True  # a replayed answer keeps the language it was written in
        elif lowered == _CACHE_CONTROL:
            cache_control = value
            continue
        elif lowered == _VARY:
            vary.extend(part.strip() for part in value.split(b",") if part.strip())
            continue
        decorated.append((key, value))
    if content_type is not None and _is_translated(content_type):
        if not has_language:
            decorated.append((_CONTENT_LANGUAGE, language.encode("ascii")))
        if _ACCEPT_LANGUAGE.lower() not in {part.lower() for part in vary}:
            vary.append(_ACCEPT_LANGUAGE)
    if vary:
        decorated.append((_VARY, b", ".join(vary)))
    if cache_control is None or (authorized and cache_control.startswith(_PUBLIC)):
        # Unless the route chose otherwise nothing is kept; a signed-in answer is never public.
        cache_control = NO_STORE
    decorated.append((_CACHE_CONTROL, cache_control))
    return decorated
