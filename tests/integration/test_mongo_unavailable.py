"""An unreachable MongoDB is "unavailable" (a 503), never a crash or a hang."""

import pytest
from pymongo.errors import ServerSelectionTimeoutError

from app.api.products.repository import ProductRepository
from app.core.errors import ServiceUnavailableError
from app.database.availability import is_backend_unavailable
from app.database.mongo import create_mongo
from app.settings import DatabaseSettings


async def test_unreachable_mongo_is_unavailable_not_a_crash() -> None:
    # No Mongo server is needed: PyMongo's real client against a refused loopback port.
    store = create_mongo(
        DatabaseSettings(
            mongo_url="mongodb://127.0.0.1:1/?directConnection=true",
            mongo_database="x",
            connect_timeout_seconds=0.5,
        )
    )
    try:
        with pytest.raises(ServerSelectionTimeoutError) as caught:
            await store.ping()
        assert is_backend_unavailable(caught.value)
        with pytest.raises(ServiceUnavailableError):
            await ProductRepository(store.db).get("0" * 24)
    finally:
        await store.close()
