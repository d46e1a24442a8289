"""The baseline: a bare FastAPI app with one JSON endpoint, served the same way as the app."""

from fastapi import FastAPI

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)


@app.get("/")
async def root() -> dict[str, bool]:
    """Answer the smallest JSON document FastAPI can serve."""
    return {"ok": True}
