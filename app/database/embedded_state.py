"""Keeping an embedded (`memory://`) store across development reloads, in a JSON file."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from pathlib import Path

from pydantic import SecretStr

from app.settings import DatabaseSettings

logger = logging.getLogger("app.database")


def state_file(
    settings: DatabaseSettings, url: SecretStr, memory_url: str, file_name: str
) -> Path | None:
    """Where an embedded store keeps its state: None for a server, or with no directory set."""
    directory = settings.embedded_state_dir
    if directory is None or url.get_secret_value() != memory_url:
        return None
    return directory / file_name


async def keep_state(
    stack: AsyncExitStack,
    path: Path | None,
    store: str,
    unit: str,
    load: Callable[[Path], Awaitable[int]],
    save: Callable[[Path], Awaitable[int]],
) -> None:
    """Restore the store from `path` now if the file exists, and save it back at shutdown."""
    if path is None:
        return
    if await asyncio.to_thread(path.is_file):
        restored = await load(path)
        logger.info("%s: %d %s restored from %s", store, restored, unit, path)
    stack.push_async_callback(save, path)


async def write_state(path: Path, text: str) -> None:
    """Write `text` to `path` off the event loop, creating the directory first."""
    await asyncio.to_thread(_write, path, text)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
