"""The development docs page: Swagger's "Authorize" gets the token out of the envelope."""

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
const response = { ok: true, url: "http://127.0.0.1:8000%s", body: envelope,
                   text: JSON.stringify(envelope), data: JSON.stringify(envelope) };
const seen = ui.getConfigs().responseInterceptor(response);
const token = JSON.parse(seen.data);
process.stdout.write(JSON.stringify({access_token: token.access_token,
                                     token_type: token.token_type}));
"""


def _script(page: str) -> str:
    return str(re.findall(r"<script>(.*?)</script>", page, flags=re.S)[-1])


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
    seen = json.loads(result.stdout)
    if path in TOKEN_URLS:
        assert seen == {"access_token": "abc.def.ghi", "token_type": "bearer"}
    else:
        # Any other route's answer reaches Swagger untouched, envelope and all.
        assert seen == {}
