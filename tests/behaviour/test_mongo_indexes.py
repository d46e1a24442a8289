"""Mongo indexes are ensured at every startup without error or duplication."""

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from app.models.mongo.indexes import COLLECTION_INDEXES, ensure_indexes


async def test_ensuring_indexes_twice_is_harmless(mongo_db: AsyncDatabase[dict[str, Any]]) -> None:
    await ensure_indexes(mongo_db)
    await ensure_indexes(mongo_db)
    for collection, indexes in COLLECTION_INDEXES.items():
        info = await mongo_db[collection].index_information()
        expected = {index.document["name"] for index in indexes}
        assert expected <= set(info)
        assert len(info) == len(expected) + 1  # and `_id_`, nothing duplicated
