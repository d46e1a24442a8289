"""Conditional requests (RFC 9110 §13): entity tags, `If-None-Match` -> 304, `If-Match` -> 412.

A resource's tag is a digest of what a client is sent as its `data`, so it changes exactly
when the resource does. `If-None-Match` compares weakly (a 304 is only a cache hint);
`If-Match` compares strongly, and the services check it on the row or document they are
about to change, so two clients cannot overwrite each other's edits.
"""

import hashlib
from collections.abc import Sequence

from fastapi import Request, Response
from pydantic import BaseModel

from app.core.errors import PreconditionFailedError

# Long enough that two versions of one resource never share a tag by chance.
_TAG_HEX_DIGITS = 32


class NotModified(Exception):  # noqa: N818 - a signal that becomes a 304, not an error
    """The client's cached copy is current: `core.handlers` answers 304 with no body."""

    def __init__(self, etag: str, cache_control: str) -> None:
        super().__init__(etag)
        self.etag = etag
        self.cache_control = cache_control


def entity_tag(data: BaseModel) -> str:
    """The strong entity tag (quoted) of a resource as it is sent."""
    digest = hashlib.sha256(data.model_dump_json().encode()).hexdigest()[:_TAG_HEX_DIGITS]
    return f'"{digest}"'


def _tags(header: str | None) -> list[str] | None:
    if header is None:
        return None
    return [tag.strip() for tag in header.split(",") if tag.strip()]


def _opaque(tag: str) -> str:
    return tag[2:] if tag.startswith("W/") else tag


def if_match(request: Request) -> list[str] | None:
    """The tags of `If-Match` (None when the header is absent)."""
    return _tags(request.headers.get("if-match"))


def check_if_match(expected: Sequence[str] | None, current: BaseModel) -> None:
    """Refuse (412) unless `current` still has one of the `expected` tags (`*`: any)."""
    if expected is None or "*" in expected:
        return
    # Strong comparison (RFC 9110 §13.1.1): a weak tag never matches.
    if entity_tag(current) not in [tag for tag in expected if not tag.startswith("W/")]:
        raise PreconditionFailedError


def tag_response(request: Request, response: Response, data: BaseModel, cache_control: str) -> None:
    """Set `ETag` on a single-resource GET, or end it with 304 when the client's copy is current."""
    tag = entity_tag(data)
    sent = _tags(request.headers.get("if-none-match"))
    if sent is not None and ("*" in sent or _opaque(tag) in {_opaque(item) for item in sent}):
        raise NotModified(tag, cache_control)
    response.headers["ETag"] = tag
    response.headers["Cache-Control"] = cache_control
