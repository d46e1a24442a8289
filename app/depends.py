"""Every dependency as one `Annotated` alias; handlers name these, never `Depends(...)`."""

from typing import Annotated

from fastapi import Depends, Request

from app.core.envelope import request_language
from app.settings import Settings


def get_app_settings(request: Request) -> Settings:
    """The settings the running app was built with (not the process-wide default)."""
    settings: Settings = request.app.state.settings
    return settings


AppSettingsDep = Annotated[Settings, Depends(get_app_settings)]
Lang = Annotated[str, Depends(request_language)]
