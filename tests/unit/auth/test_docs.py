"""The development docs pages: local assets only, and an "Authorize" that reads the envelope."""

import json
import re
import shutil
import subprocess

import httpx
import pytest

from app.api.auth.docs import TOKEN_URLS, swagger_page
from app.main import create_app
from app.settings import AppSettings, Environment, Settings

# What swagger-ui's authorizeRequest does with the token response (after the interceptors).
NODE_HARNESS = """
const ui = { configs: {}, getConfigs() { return this.configs; } };
const window = { location: { href: "http://127.0.0.1:8000/docs" } };
%s
const envelope = %s;
const status = envelope.status_code;
const response = { ok: status < 400, status: status, url: "http://127.0.0.1:8000%s",
                   body: envelope, text: JSON.stringify(envelope),
                   data: JSON.stringify(envelope) };
const seen = ui.getConfigs().responseInterceptor(response);
process.stdout.write(seen.data);
"""
HOST = re.compile(r"(?:https?:)?//[^\s\"'<>]+")
ASSET = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']|url:\s*'([^']+)'""")


def _script(page: str) -> str:
    return str(re.findall(r"<script>(.*?)</script>", page, flags=re.S)[-1])


def _intercepted(envelope: dict[str, object], path: str) -> dict[str, object]:
    # What Swagger reads from the (token) response once the page's interceptor ran.
    script = NODE_HARNESS % (
        _script(swagger_page("T", "/openapi.json")),
        json.dumps(envelope),
        path,
    )
    node = shutil.which("node")
    assert node is not None
    result = subprocess.run(  # noqa: S603 - a fixed local interpreter on a test's own script
        [node, "-e", script], capture_output=True, text=True, check=True, timeout=30
    )
    seen: dict[str, object] = json.loads(result.stdout)
    return seen


async def test_docs_pages_load_nothing_from_another_host() -> None:
    app = create_app(Settings(app=AppSettings(environment=Environment.DEVELOPMENT)))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        for page in ("/docs", "/redoc"):
            response = await client.get(page)
            assert response.status_code == 200
            # No absolute or scheme-relative URL anywhere in the page: it renders offline.
            assert HOST.findall(response.text) == [], page
            assets = {a or b for a, b in ASSET.findall(response.text)} - {"/openapi.json"}
            assert assets, f"{page} names no asset"
            for asset in assets:
                assert asset.startswith("/docs/assets/"), asset
                served = await client.get(asset)
                assert served.status_code == 200, asset
                assert len(served.content) > 1000, asset
        missing = await client.get("/docs/assets/nope.js")
    assert missing.status_code == 404
    assert set(missing.json()) == {"status", "error_type", "message", "status_code", "data"}


async def test_docs_are_served_in_development_only() -> None:
    for environment, expected in ((Environment.DEVELOPMENT, 200), (Environment.TEST, 404)):
        app = create_app(Settings(app=AppSettings(environment=environment)))
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            response = await client.get("/docs")
        assert response.status_code == expected
    assert response.status_code == 404
    page = swagger_page("T", "/openapi.json")
    assert all(url in page for url in TOKEN_URLS)


async def test_token_urls_are_the_ones_openapi_declares() -> None:
    app = create_app(Settings(app=AppSettings(environment=Environment.TEST)))
    schemes = app.openapi()["components"]["securitySchemes"]
    declared = {scheme["flows"]["password"]["tokenUrl"] for scheme in schemes.values()}
    assert declared == set(TOKEN_URLS)


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
@pytest.mark.parametrize("path", [*TOKEN_URLS, "/api/v1/auth/login"])
def test_the_interceptor_hands_swagger_the_token_for_the_token_urls_only(path: str) -> None:
    envelope = {
        "status": 1,
        "error_type": "SUCCESS",
        "message": "Signed in.",
        "status_code": 200,
        "data": {"access_token": "abc.def.ghi", "token_type": "bearer"},
    }
    seen = _intercepted(envelope, path)
    if path in TOKEN_URLS:
        assert seen == {"access_token": "abc.def.ghi", "token_type": "bearer"}
    else:
        # Any other route's answer reaches Swagger untouched, envelope and all.
        assert seen == envelope


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
@pytest.mark.parametrize(
    ("status", "error_type", "oauth_error"),
    [
        (401, "UNAUTHORIZED", "invalid_grant"),
        (403, "FORBIDDEN", "invalid_grant"),
        (422, "VALIDATION_ERROR", "invalid_request"),
        (429, "RATE_LIMITED", "temporarily_unavailable"),
        (503, "SERVICE_UNAVAILABLE", "temporarily_unavailable"),
    ],
)
@pytest.mark.parametrize("path", [*TOKEN_URLS, "/api/v1/auth/login"])
def test_a_refused_sign_in_shows_swagger_the_apps_message(
    path: str, status: int, error_type: str, oauth_error: str
) -> None:
    # Swagger's Authorize shows `error` and `error_description` (RFC 6749 §5.2), not `message`.
    envelope = {
        "status": -1,
        "error_type": error_type,
        "message": "Nom d'utilisateur ou mot de passe incorrect.",
        "status_code": status,
        "data": None,
    }
    seen = _intercepted(envelope, path)
    if path in TOKEN_URLS:
        assert seen == {"error": oauth_error, "error_description": envelope["message"]}
    else:
        assert seen == envelope
