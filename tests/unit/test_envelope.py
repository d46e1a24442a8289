"""Every failure the foundation can produce comes back in the envelope."""

import logging
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from pydantic import BaseModel

from app.core.envelope import Envelope, error_responses, success
from app.core.errors import ErrorType
from app.core.i18n import MessageKey, translate
from app.core.routing import EnvelopeRoute
from app.depends import Lang
from tests.envelope import assert_envelope


class Item(BaseModel):
    name: str
    password: str


probe_router = APIRouter(prefix="/_probe", route_class=EnvelopeRoute)


@probe_router.post("/items", status_code=201, responses=error_responses())
async def create_item(item: Item, lang: Lang) -> Envelope[str]:
    """Echo the name back; a JSON route for body-handling tests."""
    return success(item.name, lang, ErrorType.RESOURCE_CREATED)


@probe_router.get("/crash", responses=error_responses())
async def crash() -> Envelope[None]:
    """Fail the way a bug would."""
    raise RuntimeError("secret")


@probe_router.get("/wrong-shape", responses=error_responses())
async def wrong_shape(lang: Lang) -> Envelope[Item]:
    """Wrap a payload that is not what the route declares (a bug)."""
    return success("not an item", lang)  # type: ignore[arg-type]


@pytest.fixture
def probe_routers() -> tuple[APIRouter, ...]:
    # Built into the app rather than added to it, so the app can serve the next test too.
    return (probe_router,)


async def test_success_envelope(client: httpx.AsyncClient) -> None:
    response = await client.post("/_probe/items", json={"name": "a", "password": "p"})
    body = assert_envelope(response, 201, ErrorType.RESOURCE_CREATED)
    assert body["data"] == "a"
    assert body["message"] == "Resource created."


async def test_unknown_path_is_404(client: httpx.AsyncClient) -> None:
    body = assert_envelope(await client.get("/no/such/path"), 404, ErrorType.NOT_FOUND)
    assert body["data"] is None
    assert body["message"] == "No such endpoint."


async def test_trailing_slash_is_404_not_a_bare_redirect(client: httpx.AsyncClient) -> None:
    response = await client.get("/health/live/", follow_redirects=False)
    body = assert_envelope(response, 404, ErrorType.NOT_FOUND)
    assert body["message"] == "No such endpoint."
    assert "location" not in response.headers


async def test_wrong_method_is_405_with_allow(client: httpx.AsyncClient) -> None:
    response = await client.delete("/health/live")
    assert_envelope(response, 405, ErrorType.METHOD_NOT_ALLOWED)
    assert "GET" in response.headers["allow"]


@pytest.mark.parametrize(
    "content",
    [
        b'{"name": ',
        # The echo of an unpaired surrogate cannot be encoded: before the route check, a 500.
        b'{"name": "\\ud800", "password": "p"}',
    ],
    ids=["malformed", "lone-surrogate-escape"],
)
async def test_a_body_that_is_not_json_text_is_400(
    client: httpx.AsyncClient, content: bytes
) -> None:
    response = await client.post(
        "/_probe/items", content=content, headers={"content-type": "application/json"}
    )
    body = assert_envelope(response, 400, ErrorType.MALFORMED_REQUEST)
    assert body["message"] == "The request body is not valid JSON."


async def test_surrogate_pair_escape_is_text(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/_probe/items",
        content=b'{"name": "\\ud83d\\ude00", "password": "p"}',
        headers={"content-type": "application/json"},
    )
    assert assert_envelope(response, 201, ErrorType.RESOURCE_CREATED)["data"] == "\U0001f600"


async def test_wrong_content_type_is_415(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/_probe/items", content=b"name=a", headers={"content-type": "text/plain"}
    )
    assert_envelope(response, 415, ErrorType.UNSUPPORTED_MEDIA_TYPE)


async def test_json_suffix_type_is_accepted(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/_probe/items",
        content=b'{"name": "a", "password": "p"}',
        headers={"content-type": "application/merge-patch+json"},
    )
    assert_envelope(response, 201, ErrorType.RESOURCE_CREATED)


async def test_oversized_body_by_length_is_413(client: httpx.AsyncClient) -> None:
    response = await client.post("/_probe/items", json={"name": "a" * 2048, "password": "p"})
    assert_envelope(response, 413, ErrorType.PAYLOAD_TOO_LARGE)


async def test_oversized_streamed_body_is_413(client: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"name": "'
        for _ in range(40):
            yield b"x" * 100
        yield b'", "password": "p"}'

    response = await client.post(
        "/_probe/items", content=chunks(), headers={"content-type": "application/json"}
    )
    assert "content-length" not in response.request.headers
    assert_envelope(response, 413, ErrorType.PAYLOAD_TOO_LARGE)


async def test_validation_lists_problems_without_values(client: httpx.AsyncClient) -> None:
    response = await client.post("/_probe/items", json={"name": 5, "password": "hunter2-secret"})
    body = assert_envelope(response, 422, ErrorType.VALIDATION_ERROR)
    assert body["data"] == [
        {
            "loc": ["body", "name"],
            "msg": translate(MessageKey.ISSUE_STRING_TYPE, "en"),
            "type": "string_type",
        }
    ]
    assert "hunter2-secret" not in response.text


async def test_crash_is_500_without_internals(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="app.errors"):
        response = await client.get("/_probe/crash", headers={"X-Request-ID": "trace-me-1"})
    body = assert_envelope(response, 500, ErrorType.INTERNAL_ERROR)
    assert body["data"] is None
    assert "secret" not in response.text
    assert "RuntimeError" not in response.text
    assert "Traceback" not in response.text
    # The operator finds the cause by the request id in the log.
    assert any("trace-me-1" in record.getMessage() for record in caplog.records)


async def test_an_envelope_is_checked_against_the_routes_model(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    # `success()` wraps anything; the route's response model is the check.
    with caplog.at_level(logging.ERROR, logger="app.errors"):
        response = await client.get("/_probe/wrong-shape")
    assert_envelope(response, 500, ErrorType.INTERNAL_ERROR)
    assert "not an item" not in response.text
    assert caplog.records


async def test_debug_mode_cannot_bypass_the_crash_envelope(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    app.debug = True  # rebuilds Starlette's middleware stack with the traceback page on
    response = await client.get("/_probe/crash")
    assert_envelope(response, 500, ErrorType.INTERNAL_ERROR)
    assert "secret" not in response.text


async def test_arabic_message_same_error_type(client: httpx.AsyncClient) -> None:
    english = assert_envelope(await client.get("/nope"), 404, ErrorType.NOT_FOUND)
    arabic = assert_envelope(
        await client.get("/nope", headers={"Accept-Language": "ar"}), 404, ErrorType.NOT_FOUND
    )
    assert arabic["message"] == "لا توجد نقطة نهاية بهذا العنوان."
    assert arabic["message"] != english["message"]
    assert arabic["error_type"] == english["error_type"]


async def test_hindi_success_message_by_q_value(client: httpx.AsyncClient) -> None:
    response = await client.get("/health/live", headers={"Accept-Language": "ar;q=0.5, hi"})
    body = assert_envelope(response, 200, ErrorType.SUCCESS)
    assert body["message"] == "सेवा चल रही है।"


async def test_openapi_documents_the_envelope_not_fastapi_default(
    client: httpx.AsyncClient,
) -> None:
    document = (await client.get("/openapi.json")).json()
    assert "HTTPValidationError" not in document["components"]["schemas"]
    responses = document["paths"]["/_probe/items"]["post"]["responses"]
    assert responses["422"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ErrorEnvelope"
    )
    assert responses["201"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/Envelope_str_"
    )
