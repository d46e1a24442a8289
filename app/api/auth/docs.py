"""Swagger UI and ReDoc, served with their own assets, and an "Authorize" that works.

The pages load nothing from another host: the Swagger UI and ReDoc bundles come from the
`fastapi-offline` distribution (a data package that tracks swagger-ui-dist 5 and ReDoc 2) and
are served by the app under `DOCS_ASSETS_URL`, so `/docs` renders offline or behind a
firewall.

Swagger's OAuth2 password flow parses the token response and reads `access_token` at its
top level; ours sits in the envelope's `data`. Rather than break the envelope, the docs page
installs a response interceptor (swagger-ui calls it on the token request too) that, for the
two token URLs only, hands Swagger the envelope's `data` on success and, on failure, the
RFC 6749 §5.2 `error` / `error_description` pair Swagger shows (the description is the
envelope's translated message). The API's answer stays the same five-key envelope.
"""

import json
from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from app.api.auth.dependencies import ADMIN_TOKEN_URL, USER_TOKEN_URL

DOCS_URL = "/docs"
REDOC_URL = "/redoc"
DOCS_ASSETS_URL = "/docs/assets"
TOKEN_URLS = (USER_TOKEN_URL, ADMIN_TOKEN_URL)
# RFC 6749 §5.2 error codes by the token routes' HTTP status; anything else is a bad request.
OAUTH2_ERRORS = {401: "invalid_grant", 403: "invalid_grant", 429: "temporarily_unavailable"}
OAUTH2_DEFAULT_ERROR = "invalid_request"
OAUTH2_SERVER_ERROR = "temporarily_unavailable"


def assets_directory() -> Path:
    """Where the installed Swagger UI and ReDoc bundles are."""
    return Path(str(files("fastapi_offline") / "static"))


# `ui` is the page's SwaggerUIBundle (FastAPI's template declares it at script level).
_INTERCEPTOR_SCRIPT = """
<script>
(function () {
  const tokenPaths = %s;
  const oauthErrors = %s;
  const config = ui.getConfigs();
  const previous = config.responseInterceptor;
  function replaceBody(result, body) {
    result.body = body;
    result.text = JSON.stringify(body);
    result.data = result.text;
  }
  config.responseInterceptor = function (response) {
    const result = previous ? previous(response) : response;
    const path = new URL(result.url, window.location.href).pathname;
    const body = result.body;
    if (!tokenPaths.includes(path) || !body) {
      return result;
    }
    if (result.ok && body.data && body.data.access_token) {
      replaceBody(result, body.data);
    } else if (!result.ok && typeof body.message === "string") {
      const fallback = result.status >= 500 ? %s : %s;
      replaceBody(result, {
        error: oauthErrors[String(result.status)] || fallback,
        error_description: body.message,
      });
    }
    return result;
  };
})();
</script>
</body>"""


def swagger_page(title: str, openapi_url: str) -> str:
    """FastAPI's Swagger UI page on the local assets, plus the token interceptor."""
    page = bytes(
        get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{title} - docs",
            swagger_js_url=f"{DOCS_ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{DOCS_ASSETS_URL}/favicon.png",
        ).body
    )
    script = _INTERCEPTOR_SCRIPT % (
        json.dumps(list(TOKEN_URLS)),
        json.dumps({str(status): error for status, error in OAUTH2_ERRORS.items()}),
        json.dumps(OAUTH2_SERVER_ERROR),
        json.dumps(OAUTH2_DEFAULT_ERROR),
    )
    return page.decode("utf-8").replace("</body>", script, 1)


def redoc_page(title: str, openapi_url: str) -> str:
    """FastAPI's ReDoc page on the local bundle, without web fonts from another host."""
    return bytes(
        get_redoc_html(
            openapi_url=openapi_url,
            title=f"{title} - reference",
            redoc_js_url=f"{DOCS_ASSETS_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{DOCS_ASSETS_URL}/favicon.png",
            with_google_fonts=False,
        ).body
    ).decode("utf-8")


def install_swagger_ui(app: FastAPI) -> None:
    """Serve `/docs`, `/redoc` and their assets (development only; the caller decides)."""
    openapi_url = app.openapi_url or "/openapi.json"
    swagger = swagger_page(app.title, openapi_url)
    redoc = redoc_page(app.title, openapi_url)

    async def docs(request: Request) -> HTMLResponse:
        return HTMLResponse(swagger)

    async def reference(request: Request) -> HTMLResponse:
        return HTMLResponse(redoc)

    app.add_route(DOCS_URL, docs, include_in_schema=False)
    app.add_route(REDOC_URL, reference, include_in_schema=False)
    app.mount(DOCS_ASSETS_URL, StaticFiles(directory=assets_directory()), name="docs-assets")
    # Where the docs are, for anything that asks the app (FastAPI only reads it at setup).
    app.docs_url = DOCS_URL
    app.redoc_url = REDOC_URL
