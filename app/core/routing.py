"""The route class every router uses: it refuses bodies of a type the route cannot read."""

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response, params
from fastapi.routing import APIRoute

from app.core.errors import UnsupportedMediaTypeError

FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


def is_json_type(media_type: str) -> bool:
    """`application/json` or any `application/*+json` (RFC 6839 structured suffix)."""
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


def _has_body(request: Request) -> bool:
    length = request.headers.get("content-length")
    return (length is not None and length != "0") or "transfer-encoding" in request.headers


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
            return await handler(request)

        return checked_handler
