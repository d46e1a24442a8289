"""The route class every router uses: it refuses requests the route cannot read."""

import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response, params
from fastapi.routing import APIRoute

from app.core.errors import MalformedRequestError, UnsupportedMediaTypeError
from app.core.i18n import MessageKey
from app.core.nul_text import (
    form_nul_locations,
    json_nul_locations,
    nul_error,
    url_nul_locations,
)

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


async def _refuse_unreadable_body(request: Request, reads_form: bool) -> None:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    # Read first: an oversized body is a 413 whatever its type.
    body = await request.body()
    # No content type: FastAPI reads the body as JSON (as curl-like clients mean it), so it
    # gets the JSON checks; a form route finds no fields in it and answers its own 422.
    if media_type and not (media_type in FORM_TYPES if reads_form else is_json_type(media_type)):
        raise UnsupportedMediaTypeError
    if reads_form:
        if not media_type:
            return
        locations = await form_nul_locations(request)
    else:
        if has_lone_surrogate(body):
            raise MalformedRequestError(MessageKey.MALFORMED_JSON)
        locations = json_nul_locations(body)
    if locations:
        raise nul_error(locations)


class EnvelopeRoute(APIRoute):
    """An `APIRoute` that refuses what its handler cannot read, before anything reads it.

    A non-JSON body is a 415 rather than a bad value; a lone surrogate a 400; text holding
    NUL anywhere (path, query string, body) a 422 naming the field (`app.core.nul_text`).
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """Wrap FastAPI's handler with the URL check, and the body checks when it reads one."""
        handler = super().get_route_handler()
        reads_body = self.body_field is not None
        reads_form = self.body_field is not None and isinstance(
            self.body_field.field_info, params.Form
        )

        async def checked_handler(request: Request) -> Response:
            if locations := url_nul_locations(request):
                raise nul_error(locations)
            if reads_body and _has_body(request):
                await _refuse_unreadable_body(request, reads_form)
            return await handler(request)

        return checked_handler
