"""Mongo indexes are ensured at every startup without error or duplication."""

from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from app.models.mongo.indexes import COLLECTION_INDEXES, ensure_indexes
from tests.harness.mongo_fixtures import empty_collections


async def test_ensuring_indexes_twice_is_harmless(mongo_db: AsyncDatabase[dict[str, Any]]) -> None:
    await ensure_indexes(mongo_db)
    await ensure_indexes(mongo_db)
    for collection, indexes in COLLECTION_INDEXES.items():
        info = await mongo_db[collection].index_information()
        expected = {index.document["name"] for index in indexes}
        assert expected <= set(info)
        assert len(info) == len(expected) + 1  # and `_id_`, nothing duplicated


async def test_a_collection_outside_the_registry_is_emptied_and_fails_the_check(
    mongo_db: AsyncDatabase[dict[str, Any]],
) -> None:
    # The harness empties every collection a test wrote to, so none leaks into the next one,
    # and fails on one the registry lacks: its indexes would never be created.
    await mongo_db["stray"].insert_one({"x": 1})
    with pytest.raises(AssertionError, match=r"\['stray'\] are not in"):
        await empty_collections(mongo_db)
    assert await mongo_db["stray"].count_documents({}) == 0
    await mongo_db["stray"].drop()  # so the fixture's own check after the test passes
