"""`EMBEDDED_STATE_DIR`: the embedded MongoDB outlives a restart, with its BSON types."""

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from bson import Decimal128, ObjectId

from app.database.backends import open_backends
from app.settings import DatabaseSettings


async def test_mongo_documents_survive_a_restart(tmp_path: Path) -> None:
    settings = DatabaseSettings(
        postgres_url=f"sqlite+aiosqlite:///{tmp_path / 'postgres.sqlite3'}",
        mysql_url=f"sqlite+aiosqlite:///{tmp_path / 'mysql.sqlite3'}",
        embedded_state_dir=tmp_path / "state",
    )
    document = {
        "_id": ObjectId(),
        "name": "Hammer",
        "price": Decimal128(Decimal("12.30")),
        "created_at": datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC),
    }
    async with open_backends(settings) as backends:
        await backends.mongo.db["products"].insert_one(dict(document))
    assert (tmp_path / "state" / "mongo.json").is_file()

    async with open_backends(settings) as backends:
        found = await backends.mongo.db["products"].find({}).to_list(None)
    assert found == [document]
