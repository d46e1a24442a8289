"""MongoDB through PyMongo's `AsyncMongoClient` (`MONGO_URL`); `memory://` is the shim."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import ConnectionFailure, DuplicateKeyError, OperationFailure, PyMongoError

from app.core.errors import ConflictError, ServiceUnavailableError
from app.core.i18n import MessageKey
from app.database.embedded import require_embedded
from app.settings import DatabaseSettings

Document = dict[str, Any]
MEMORY_URL = "memory://"
DUPLICATE_KEY = 11000


@dataclass(frozen=True)
class MongoStore:
    """The client and the app's database on it."""

    client: AsyncMongoClient[Document]
    db: AsyncDatabase[Document]

    async def ping(self) -> None:
        """Round-trip a `ping` command; the readiness probe."""
        await self.db.command("ping")

    async def close(self) -> None:
        """Close the client's connections."""
        await self.client.close()


def create_mongo(settings: DatabaseSettings) -> MongoStore:
    """A client for `MONGO_URL`; the database is the URL's, else `MONGO_DATABASE`."""
    url = settings.mongo_url.get_secret_value()
    client: AsyncMongoClient[Document]
    if url == MEMORY_URL:
        # Imported here: the shim needs mongomock-motor, which only the `embedded` extra has.
        require_embedded("mongomock_motor", "MONGO_URL")
        from app.database.mongo_memory import MemoryMongoClient

        # The shim implements the part of AsyncMongoClient's API that the app calls.
        client = cast("AsyncMongoClient[Document]", MemoryMongoClient(settings.mongo_database))
    else:
        timeout_ms = round(settings.connect_timeout_seconds * 1000)
        client = AsyncMongoClient(
            url,
            tz_aware=True,
            connect=False,
            serverSelectionTimeoutMS=timeout_ms,
            connectTimeoutMS=timeout_ms,
            maxPoolSize=settings.pool_size + settings.max_overflow,
        )
    return MongoStore(client=client, db=client.get_default_database(settings.mongo_database))


def is_duplicate(error: BaseException) -> bool:
    """A unique index refused the write (error code 11000)."""
    return isinstance(error, DuplicateKeyError) or (
        isinstance(error, OperationFailure) and error.code == DUPLICATE_KEY
    )


def is_unavailable(error: BaseException) -> bool:
    """No server could be selected, or the connection to it failed."""
    return isinstance(error, ConnectionFailure | OSError)


@contextmanager
def mongo_errors(conflict: MessageKey = MessageKey.CONFLICT) -> Iterator[None]:
    """Turn a duplicate key into `ConflictError(conflict)` and a lost server into a 503."""
    try:
        yield
    except (PyMongoError, OSError) as error:
        if is_duplicate(error):
            raise ConflictError(conflict) from error
        if is_unavailable(error):
            raise ServiceUnavailableError from error
        raise
