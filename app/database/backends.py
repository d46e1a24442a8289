"""Opens every backend from the settings for the app's lifespan, and closes them after it."""

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

from app.database.migrations import is_at_head, migrate
from app.database.mongo import MongoStore, create_mongo
from app.database.mongo_state import keep_mongo
from app.database.mysql import create_mysql
from app.database.postgres import create_postgres
from app.database.redis import RedisStore, create_redis
from app.database.redis_state import keep_redis
from app.database.sql import SQLDatabase
from app.models.mongo.indexes import ensure_indexes
from app.settings import DatabaseSettings

logger = logging.getLogger("app.database")

Probe = Callable[[], Awaitable[object]]

# Backends the instance stays ready without: MongoDB holds products and audit events, never
# sessions or accounts, so auth keeps working while it is away (its own routes answer 503).
OPTIONAL_BACKENDS: frozenset[str] = frozenset({"mongo"})


@dataclass(frozen=True)
class Backends:
    """Every backend client the app holds for its lifetime."""

    postgres: SQLDatabase
    mysql: SQLDatabase
    mongo: MongoStore
    redis: RedisStore

    def probes(self) -> dict[str, Probe]:
        """The readiness probe of each backend, by the name `/health/ready` reports."""
        return {
            "postgres": self.postgres.ping,
            "mysql": self.mysql.ping,
            "mongo": self.mongo.ping,
            "redis": self.redis.ping,
        }

    @property
    def admins(self) -> SQLDatabase:
        """The database holding the admin realm's accounts: MySQL, the legacy store."""
        return self.mysql


@asynccontextmanager
async def open_backends(settings: DatabaseSettings) -> AsyncIterator[Backends]:
    """Create the clients, migrate embedded SQL files and ensure Mongo indexes; close on exit."""
    async with AsyncExitStack() as stack:
        postgres = create_postgres(settings)
        stack.push_async_callback(postgres.engine.dispose)
        mysql = create_mysql(settings)
        stack.push_async_callback(mysql.engine.dispose)
        mongo = create_mongo(settings)
        stack.push_async_callback(mongo.close)
        redis = create_redis(settings)
        stack.push_async_callback(redis.close)
        for database in (postgres, mysql):
            # Servers are migrated by the operator (`python -m app db upgrade`); the
            # embedded files have no operator, so the app keeps them at head itself.
            if database.is_embedded and not await is_at_head(database):
                logger.info("migrating embedded %s database", database.name)
                await migrate(database)
        await ensure_indexes(mongo.db)
        # Development keeps the embedded stores across reloads (EMBEDDED_STATE_DIR): read back
        # now, written at shutdown, before the clients close (the stack unwinds in reverse).
        await keep_redis(stack, redis, settings)
        await keep_mongo(stack, mongo, settings)
        yield Backends(
            postgres=postgres,
            mysql=mysql,
            mongo=mongo,
            redis=redis,
        )
