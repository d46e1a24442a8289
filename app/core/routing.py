"""The route class every router uses: it refuses bodies the route cannot read."""

import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response, params
from fastapi.routing import APIRoute

from app.core.errors import MalformedRequestError, UnsupportedMediaTypeError
from app.core.i18n import MessageKey

FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


def is_json_type(media_type: str) -> bool:
    """`application/json` or any `application/*+json` (RFC 6839 structured suffix)."""
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


def _has_body(request: Request) -> bool:
    length = request.headers.get("content-length")
    return (length is not None and length != "0") or "transfer-encoding" in request.headers


def has_lone_surrogate(body: bytes) -> bool:
    r"""Whether a JSON body escapes half a UTF-16 surrogate pair (`"\ud800"`): not Unicode text."""
    # json.loads accepts such escapes (RFC 8259 §8.2 leaves them undefined), yet the string
    # cannot be encoded again: echoing it or storing it fails with a 500. Cheap test first.
    if b"\\u" not in body:
        return False
    try:
        parsed = json.loads(body)
    except (ValueError, RecursionError):
        return False  # FastAPI reports unparsable bodies itself
    try:
        json.dumps(parsed, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        return True
    return False


class EnvelopeRoute(APIRoute):
    """An `APIRoute` that answers 415 instead of treating a non-JSON body as a bad value."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """Wrap FastAPI's handler with the content-type check when the route reads a body."""
        handler = super().get_route_handler()
        if self.body_field is None:
            return handler
        reads_form = isinstance(self.body_field.field_info, params.Form)

        async def checked_handler(request: Request) -> Response:
            media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
            # No content type: FastAPI reads it as JSON, and so do curl-like clients.
            if media_type and _has_body(request):
                accepted = media_type in FORM_TYPES if reads_form else is_json_type(media_type)
                if not accepted:
                    raise UnsupportedMediaTypeError
                if not reads_form and has_lone_surrogate(await request.body()):
                    raise MalformedRequestError(MessageKey.MALFORMED_JSON)
            return await handler(request)

        return checked_handler
