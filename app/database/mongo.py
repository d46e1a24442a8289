"""MongoDB through PyMongo's `AsyncMongoClient` (`MONGO_URL`); `memory://` is the shim."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import ConnectionFailure, DuplicateKeyError, OperationFailure, PyMongoError

from app.core.errors import ConflictError, ServiceUnavailableError
from app.core.i18n import MessageKey
from app.database.embedded import require_embedded
from app.database.page import Page, clamp_limit, clamp_offset
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


ItemT = TypeVar("ItemT")


async def mongo_page(
    collection: AsyncCollection[Document],
    query: Document,
    sort: list[tuple[str, int]],
    convert: Callable[[Document], ItemT],
    *,
    offset: int,
    limit: int,
) -> Page[ItemT]:
    """Documents matching `query` in `sort` order from `offset`, at most `limit`, converted."""
    offset, limit = clamp_offset(offset), clamp_limit(limit)
    with mongo_errors():
        total = await collection.count_documents(query)
        cursor = collection.find(query).sort(sort).skip(offset).limit(limit)
        documents = await cursor.to_list(limit)
    items = [convert(document) for document in documents]
    return Page(items=items, total=total, offset=offset, limit=limit)
