"""MongoDB driver errors are classified by error code and class, never by message text."""

import pytest
from pymongo.errors import DuplicateKeyError, ServerSelectionTimeoutError, WriteError

from app.core.errors import ConflictError, ServiceUnavailableError
from app.core.i18n import MessageKey
from app.database import mongo


def test_mongo_duplicate_key_by_code() -> None:
    assert mongo.is_duplicate(DuplicateKeyError("E11000 dup", code=11000))
    assert mongo.is_duplicate(WriteError("anything", code=11000))
    assert not mongo.is_duplicate(WriteError("E11000 duplicate key error", code=121))
    with pytest.raises(ConflictError), mongo.mongo_errors(MessageKey.PRODUCT_EXISTS):
        raise WriteError("x", code=11000)
    with pytest.raises(ServiceUnavailableError), mongo.mongo_errors():
        raise ServerSelectionTimeoutError("no servers")
