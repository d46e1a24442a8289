"""Keeping an embedded (`memory://`) store across development reloads, in a JSON file."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from pathlib import Path

logger = logging.getLogger("app.database")


async def keep_state(
    stack: AsyncExitStack,
    path: Path,
    store: str,
    unit: str,
    load: Callable[[Path], Awaitable[int]],
    save: Callable[[Path], Awaitable[int]],
) -> None:
    """Restore the store from `path` now if the file exists, and save it back at shutdown."""
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
