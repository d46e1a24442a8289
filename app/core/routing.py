"""The route class every router uses: it refuses requests the route cannot read."""

import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response, params
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel

from app.core.errors import MalformedRequestError, UnsupportedMediaTypeError
from app.core.i18n import MessageKey
from app.core.idempotency import settle
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


def declared_query_names(dependant: Dependant) -> frozenset[str]:
    """Every query parameter name the route or its dependencies read (model fields included)."""
    names: set[str] = set()
    pending = [dependant]
    while pending:
        current = pending.pop()
        pending.extend(current.dependencies)
        for field in current.query_params:
            model = field.field_info.annotation
            if isinstance(model, type) and issubclass(model, BaseModel):
                # `Annotated[Model, Query()]`: FastAPI reads each of the model's fields.
                names.update(info.alias or name for name, info in model.model_fields.items())
            else:
                names.add(field.alias)
    return frozenset(names)


def refuse_unknown_query(request: Request, declared: frozenset[str]) -> None:
    """A query parameter the route does not read is a 422: a typo is never silently ignored."""
    unknown = [name for name in dict.fromkeys(request.query_params.keys()) if name not in declared]
    if unknown:
        raise RequestValidationError(
            [
                {"type": "extra_forbidden", "loc": ("query", name), "msg": "", "input": None}
                for name in unknown
            ]
        )


class EnvelopeRoute(APIRoute):
    """An `APIRoute` that refuses what its handler cannot read, before anything reads it.

    A non-JSON body is a 415 rather than a bad value; a lone surrogate a 400; text holding
    NUL anywhere (path, query string, body) a 422 naming the field (`app.core.nul_text`);
    a query parameter the route does not declare a 422 (`extra_forbidden`), on every route.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """Wrap FastAPI's handler with the URL check, and the body checks when it reads one."""
        handler = super().get_route_handler()
        reads_body = self.body_field is not None
        reads_form = self.body_field is not None and isinstance(
            self.body_field.field_info, params.Form
        )

        declared = declared_query_names(self.dependant)

        async def checked_handler(request: Request) -> Response:
            if locations := url_nul_locations(request):
                raise nul_error(locations)
            if request.scope["query_string"]:
                refuse_unknown_query(request, declared)
            if reads_body and _has_body(request):
                await _refuse_unreadable_body(request, reads_form)
            try:
                response = await handler(request)
            except BaseException:
                await settle(request, None)  # an `Idempotency-Key` held by this request is freed
                raise
            await settle(request, response)
            return response

        return checked_handler
