"""Swagger UI whose "Authorize" button signs in through the enveloped token routes.

Swagger's OAuth2 password flow parses the token response and reads `access_token` at its
top level; ours sits in the envelope's `data`. Rather than break the envelope, the docs page
installs a response interceptor (swagger-ui calls it on the token request too) that hands
Swagger the envelope's `data` for the two token URLs only; the API's answer stays the same.
"""

import json

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

from app.api.auth.dependencies import ADMIN_TOKEN_URL, USER_TOKEN_URL

DOCS_URL = "/docs"
TOKEN_URLS = (USER_TOKEN_URL, ADMIN_TOKEN_URL)

# `ui` is the page's SwaggerUIBundle (FastAPI's template declares it at script level).
_INTERCEPTOR_SCRIPT = """
<script>
(function () {
  const tokenPaths = %s;
  const config = ui.getConfigs();
  const previous = config.responseInterceptor;
  config.responseInterceptor = function (response) {
    const result = previous ? previous(response) : response;
    const path = new URL(result.url, window.location.href).pathname;
    const body = result.body;
    if (result.ok && tokenPaths.includes(path) && body && body.data && body.data.access_token) {
      result.body = body.data;
      result.text = JSON.stringify(body.data);
      result.data = result.text;
    }
    return result;
  };
})();
</script>
</body>"""


def swagger_page(title: str, openapi_url: str) -> str:
    """FastAPI's Swagger UI page plus the token interceptor."""
    page = bytes(get_swagger_ui_html(openapi_url=openapi_url, title=f"{title} - docs").body)
    script = _INTERCEPTOR_SCRIPT % json.dumps(list(TOKEN_URLS))
    return page.decode("utf-8").replace("</body>", script, 1)


def install_swagger_ui(app: FastAPI) -> None:
    """Serve the interactive docs at `/docs` (development only; the caller decides)."""
    page = swagger_page(app.title, app.openapi_url or "/openapi.json")

    async def docs(request: Request) -> HTMLResponse:
        return HTMLResponse(page)

    app.add_route(DOCS_URL, docs, include_in_schema=False)
    # Where the docs are, for anything that asks the app (FastAPI only reads it at setup).
    app.docs_url = DOCS_URL
