"""Keeping the embedded (`memory://`) MongoDB across development reloads, in a JSON file."""

import asyncio
import logging
from contextlib import AsyncExitStack
from functools import partial
from pathlib import Path

from bson import json_util

from app.database.embedded_state import keep_state, state_file, write_state
from app.database.mongo import MEMORY_URL, MongoStore
from app.settings import DatabaseSettings

logger = logging.getLogger("app.database")
FILE_NAME = "mongo.json"
# Extended JSON keeps what plain JSON would lose: ObjectId, Decimal128, aware datetimes.
_OPTIONS = json_util.JSONOptions(json_mode=json_util.JSONMode.CANONICAL, tz_aware=True)


async def keep_mongo(stack: AsyncExitStack, mongo: MongoStore, settings: DatabaseSettings) -> None:
    """Restore the embedded MongoDB from EMBEDDED_STATE_DIR now and save it back at shutdown."""
    path = state_file(settings, settings.mongo_url, MEMORY_URL, FILE_NAME)
    load, save = partial(load_mongo, mongo), partial(save_mongo, mongo)
    await keep_state(stack, path, "embedded MongoDB", "documents", load, save)


async def save_mongo(mongo: MongoStore, path: Path) -> int:
    """Write every collection of the app's database to `path`; returns the document count."""
    collections = {
        name: await mongo.db[name].find({}).to_list(None)
        for name in await mongo.db.list_collection_names()
    }
    text = json_util.dumps(collections, json_options=_OPTIONS)
    await write_state(path, text)
    count = sum(len(documents) for documents in collections.values())
    logger.info("embedded MongoDB: %d documents saved to %s", count, path)
    return count


async def load_mongo(mongo: MongoStore, path: Path) -> int:
    """Insert the documents `save_mongo` wrote (indexes exist already); returns the count."""
    text = await asyncio.to_thread(path.read_text, encoding="utf-8")
    collections = json_util.loads(text, json_options=_OPTIONS)
    count = 0
    for name, documents in collections.items():
        if documents:
            await mongo.db[name].insert_many(documents)
            count += len(documents)
    return count
