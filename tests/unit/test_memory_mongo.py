"""The in-memory Mongo shim (`MONGO_URL=memory://`) answers PyMongo's async API."""

from decimal import Decimal

from bson import Decimal128

from app.database.mongo_memory import MemoryMongoClient


async def test_memory_mongo_speaks_pymongo_async() -> None:
    client = MemoryMongoClient("shop")
    collection = client.get_default_database()["things"]
    for index in range(5):
        await collection.insert_one({"n": index, "price": Decimal128(f"{index}.50")})
    assert len(await collection.find({}).to_list(2)) == 2
    assert len(await collection.find({}).to_list(None)) == 5
    cursor = await collection.aggregate([{"$match": {"n": {"$gte": 1}}}, {"$sort": {"n": -1}}])
    assert [document["n"] for document in await cursor.to_list(3)] == [4, 3, 2]
    cheap = collection.find({"price": {"$lt": Decimal128("2")}}).sort("price", -1)
    assert [document["price"].to_decimal() for document in await cheap.to_list()] == [
        Decimal("1.50"),
        Decimal("0.50"),
    ]
    assert (await client.admin.command("ping"))["ok"] == 1
    await client.drop_database("shop")
    assert await collection.count_documents({}) == 0
    await client.close()
