"""Every dependency as one `Annotated` alias; handlers name these, never `Depends(...)`."""

from typing import Annotated

from fastapi import Depends, Request

from app.core.envelope import request_language
from app.settings import Settings

# Dependencies are `async def` even when they do not await: FastAPI runs a plain `def`
# dependency in a worker thread, which costs more than the work itself on every request.


async def get_app_settings(request: Request) -> Settings:
    """The settings the running app was built with (not the process-wide default)."""
    settings: Settings = request.app.state.settings
    return settings


async def get_language(request: Request) -> str:
    """The language negotiated for this request."""
    return request_language(request)


AppSettingsDep = Annotated[Settings, Depends(get_app_settings)]
Lang = Annotated[str, Depends(get_language)]
