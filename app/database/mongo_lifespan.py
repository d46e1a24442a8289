"""MongoDB for the app's lifespan: the client, its indexes, and the embedded store's state."""

from contextlib import AsyncExitStack

from app.database.mongo import MongoStore, create_mongo
from app.database.mongo_state import keep_mongo
from app.models.mongo.indexes import ensure_indexes
from app.settings import DatabaseSettings


async def open_mongo(stack: AsyncExitStack, settings: DatabaseSettings) -> MongoStore:
    """The client, its indexes ensured (unique ones are part of correctness); `stack` closes it."""
    mongo = create_mongo(settings)
    stack.push_async_callback(mongo.close)
    await ensure_indexes(mongo.db)
    # After the close callback, so the state is saved before the client closes.
    await keep_mongo(stack, mongo, settings)
    return mongo
