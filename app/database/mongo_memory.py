"""`memory://` MongoDB: mongomock-motor behind the slice of `AsyncMongoClient`'s API we use.

mongomock-motor imitates Motor, whose API differs from PyMongo's async one in places the
app relies on: `aggregate` must be awaited, `to_list(n)` must stop at `n`, `close()` must be
awaited. These classes close those gaps so app code stays written against PyMongo.
"""

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Self

import mongomock.filtering
from bson.decimal128 import Decimal128
from mongomock_motor import AsyncMongoMockClient

Document = dict[str, Any]


class MemoryCursor:
    """A `find`/`aggregate` cursor with PyMongo's `to_list(length)` semantics."""

    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor

    def sort(self, *args: Any, **kwargs: Any) -> Self:
        """Order the results, as `AsyncCursor.sort`."""
        self._cursor = self._cursor.sort(*args, **kwargs)
        return self

    def skip(self, count: int) -> Self:
        """Skip `count` results, as `AsyncCursor.skip`."""
        self._cursor = self._cursor.skip(count)
        return self

    def limit(self, count: int) -> Self:
        """Return at most `count` results, as `AsyncCursor.limit`."""
        self._cursor = self._cursor.limit(count)
        return self

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> Document:
        document: Document = await self._cursor.__anext__()
        return document

    async def to_list(self, length: int | None = None) -> list[Document]:
        """At most `length` documents (all of them when `length` is None)."""
        documents: list[Document] = []
        if length is not None and length <= 0:
            length = None  # PyMongo reads 0 as "no limit"
        async for document in self:
            documents.append(document)
            if length is not None and len(documents) >= length:
                break
        return documents

    async def close(self) -> None:
        """Nothing to release in memory."""


class _Named:
    """A mongomock-motor collection or database, named as the one it wraps."""

    def __init__(self, wrapped: Any) -> None:
        self._wrapped = wrapped

    @property
    def name(self) -> str:
        """The collection's or the database's name."""
        return str(self._wrapped.name)


class MemoryCollection(_Named):
    """A collection whose `find` and `aggregate` behave as in PyMongo's async API."""

    def find(self, *args: Any, **kwargs: Any) -> MemoryCursor:
        """A cursor over the matching documents."""
        return MemoryCursor(self._wrapped.find(*args, **kwargs))

    async def aggregate(self, pipeline: Sequence[Mapping[str, Any]], **kwargs: Any) -> MemoryCursor:
        """Run `pipeline`; awaited, as `AsyncCollection.aggregate` is."""
        return MemoryCursor(self._wrapped.aggregate(list(pipeline), **kwargs))

    def __getattr__(self, name: str) -> Any:
        # insert_one, find_one, update_one, count_documents, create_indexes... are already
        # coroutines in mongomock-motor with PyMongo's signatures.
        return getattr(self._wrapped, name)


class MemoryDatabase(_Named):
    """A database handing out `MemoryCollection`s."""

    def get_collection(self, name: str, **kwargs: Any) -> MemoryCollection:
        """The collection called `name`."""
        return MemoryCollection(self._wrapped.get_collection(name, **kwargs))

    def __getitem__(self, name: str) -> MemoryCollection:
        return self.get_collection(name)

    async def command(self, command: str | Mapping[str, Any], **kwargs: Any) -> Document:
        """Run a database command (`ping` is what the probe sends)."""
        result: Document = await self._wrapped.command(command, **kwargs)
        return result

    async def list_collection_names(self) -> list[str]:
        """Names of the collections that exist."""
        # mongomock-motor wraps mongomock's method as a coroutine, as PyMongo's async one is.
        return list(await self._wrapped.list_collection_names())


class MemoryMongoClient:
    """Stands in for `AsyncMongoClient`: one in-memory server per instance."""

    def __init__(self, default_database: str) -> None:
        self._client: Any = AsyncMongoMockClient(tz_aware=True)
        self._default_database = default_database

    def get_database(self, name: str | None = None, **kwargs: Any) -> MemoryDatabase:
        """The database called `name` (the default one when None)."""
        return MemoryDatabase(self._client.get_database(name or self._default_database, **kwargs))

    def get_default_database(self, default: str | None = None, **kwargs: Any) -> MemoryDatabase:
        """The default database, as `AsyncMongoClient.get_default_database`."""
        return self.get_database(default or self._default_database, **kwargs)

    def __getitem__(self, name: str) -> MemoryDatabase:
        return self.get_database(name)

    @property
    def admin(self) -> MemoryDatabase:
        """The `admin` database, where `ping` goes."""
        return self.get_database("admin")

    async def drop_database(self, name: str) -> None:
        """Forget a database and its collections."""
        await self._client.drop_database(name)

    async def close(self) -> None:
        """Nothing to release; awaited, as `AsyncMongoClient.close` is."""


def _compare_decimals_as_numbers() -> None:
    # mongomock cannot order or range-match Decimal128 (a real server compares it with every
    # other number). Comparing its exact `Decimal` value, which mongomock ranks as a number,
    # gives the server's order without ever going through a float.
    original: Callable[..., Any] = mongomock.filtering.bson_compare
    if getattr(original, "decimal_aware", False):
        return

    def as_number(value: object) -> object:
        return value.to_decimal() if isinstance(value, Decimal128) else value

    def bson_compare(op: Any, a: object, b: object, can_compare_types: bool = True) -> Any:
        return original(op, as_number(a), as_number(b), can_compare_types)

    bson_compare.decimal_aware = True  # type: ignore[attr-defined]
    mongomock.filtering.bson_compare = bson_compare


_compare_decimals_as_numbers()
