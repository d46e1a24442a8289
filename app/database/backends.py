"""Opens every backend from the settings for the app's lifespan, and closes them after it."""

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

from app.database.migrations import is_at_head, migrate
from app.database.mongo import MongoStore
from app.database.mongo_lifespan import open_mongo
from app.database.mysql import create_mysql
from app.database.postgres import create_postgres
from app.database.redis import RedisStore, create_redis
from app.database.redis_state import keep_redis
from app.database.sql import SQLDatabase
from app.settings import DatabaseSettings

logger = logging.getLogger("app.database")

Probe = Callable[[], Awaitable[object]]

# fusion:mongo begin
# Backends the instance stays ready without: MongoDB holds products and audit events, never
# sessions or accounts, so auth keeps working while it is away (its own routes answer 503).
# fusion:mongo end
OPTIONAL_BACKENDS: frozenset[str] = frozenset({"mongo"})


@dataclass(frozen=True)
class Backends:
    """Every backend client the app holds for its lifetime."""

    postgres: SQLDatabase
    # fusion:mysql begin
    mysql: SQLDatabase
    # fusion:mysql end
    # fusion:mongo begin
    mongo: MongoStore
    # fusion:mongo end
    redis: RedisStore

    def probes(self) -> dict[str, Probe]:
        """The readiness probe of each backend, by the name `/health/ready` reports."""
        return {
            "postgres": self.postgres.ping,
            # fusion:mysql begin
            "mysql": self.mysql.ping,
            # fusion:mysql end
            # fusion:mongo begin
            "mongo": self.mongo.ping,
            # fusion:mongo end
            "redis": self.redis.ping,
        }

    @property
    def admins(self) -> SQLDatabase:
        """The database holding the admin realm's accounts: MySQL, the legacy store."""
        return self.mysql


async def _open_sql(stack: AsyncExitStack, database: SQLDatabase) -> SQLDatabase:
    # Servers are migrated by the operator (`python -m app db upgrade`); the embedded files
    # have no operator, so the app keeps them at head itself.
    stack.push_async_callback(database.engine.dispose)
    if database.is_embedded and not await is_at_head(database):
        logger.info("migrating embedded %s database", database.name)
        await migrate(database)
    return database


async def _open_redis(stack: AsyncExitStack, settings: DatabaseSettings) -> RedisStore:
    redis = create_redis(settings)
    stack.push_async_callback(redis.close)
    # Development keeps the embedded store across reloads (EMBEDDED_STATE_DIR): read back
    # now, written at shutdown, before the client closes (the stack unwinds in reverse).
    await keep_redis(stack, redis, settings)
    return redis


@asynccontextmanager
async def open_backends(settings: DatabaseSettings) -> AsyncIterator[Backends]:
    """Open every backend ready for use (embedded SQL files at head); close them all on exit."""
    async with AsyncExitStack() as stack:
        yield Backends(
            postgres=await _open_sql(stack, create_postgres(settings)),
            # fusion:mysql begin
            mysql=await _open_sql(stack, create_mysql(settings)),
            # fusion:mysql end
            # fusion:mongo begin
            mongo=await open_mongo(stack, settings),
            # fusion:mongo end
            redis=await _open_redis(stack, settings),
        )
