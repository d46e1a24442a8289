"""ProductRepository on the mongomock shim (fake) or MongoDB (real)."""

from decimal import Decimal
from typing import Any

import pytest
from bson import Decimal128, ObjectId
from pymongo.asynchronous.database import AsyncDatabase

from app.api.products.repository import ProductRepository
from app.api.products.schema import ProductCreate, ProductUpdate
from app.core.errors import ConflictError, NotFoundError
from app.core.i18n import MessageKey
from app.models.mongo.products import Product, ProductSortKey

Db = AsyncDatabase[dict[str, Any]]


async def add(
    products: ProductRepository,
    name: str,
    price: str = "9.99",
    category: str = "tools",
    owner: int = 1,
    tags: tuple[str, ...] = (),
) -> Product:
    data = ProductCreate(
        name=name, description=f"about {name}", price=Decimal(price), category=category, tags=tags
    )
    return await products.create(data, owner_id=owner)


async def test_create_and_get(mongo_db: Db) -> None:
    products = ProductRepository(mongo_db)
    created = await add(products, "hammer", "12.30", tags=("steel", "hand"))
    fetched = await products.get(created.id)
    assert fetched == created
    assert (fetched.price, fetched.tags, fetched.active) == (
        Decimal("12.30"),
        ["steel", "hand"],
        True,
    )
    assert fetched.created_at.tzinfo is not None


async def test_price_is_stored_as_exact_decimal128(mongo_db: Db) -> None:
    products = ProductRepository(mongo_db)
    created = await add(products, "widget", "0.10")
    raw = await mongo_db["products"].find_one({"_id": ObjectId(created.id)})
    assert raw is not None
    assert isinstance(raw["price"], Decimal128)
    assert raw["price"].to_decimal() == Decimal("0.10")
    # 0.1 + 0.2 is exact here; as floats it would not be.
    total = (await products.get(created.id)).price + Decimal("0.20")
    assert total == Decimal("0.30")


@pytest.mark.parametrize("product_id", ["0" * 24, "not-an-object-id", ""])
async def test_missing_product_is_not_found(mongo_db: Db, product_id: str) -> None:
    with pytest.raises(NotFoundError) as caught:
        await ProductRepository(mongo_db).get(product_id)
    assert caught.value.message is MessageKey.PRODUCT_NOT_FOUND


async def test_same_name_for_the_same_owner_is_conflict(mongo_db: Db) -> None:
    products = ProductRepository(mongo_db)
    first = await add(products, "hammer")
    with pytest.raises(ConflictError) as caught:
        await add(products, "hammer")
    assert caught.value.message is MessageKey.PRODUCT_EXISTS
    await add(products, "hammer", owner=2)
    assert (await products.get(first.id)).name == "hammer"


@pytest.mark.divergence("mongo-partial-unique")
async def test_a_deleted_product_frees_its_name(mongo_db: Db) -> None:
    products = ProductRepository(mongo_db)
    first = await add(products, "hammer")
    await products.soft_delete(first.id)
    again = await add(products, "hammer")
    assert again.id != first.id


async def test_list_filters(mongo_db: Db) -> None:
    products = ProductRepository(mongo_db)
    await add(products, "hammer", "12.00", "tools", 1, ("steel",))
    await add(products, "saw", "25.50", "tools", 2, ("steel", "wood"))
    await add(products, "novel", "8.00", "books", 1)
    gone = await add(products, "chisel", "5.00", "tools", 1)
    await products.soft_delete(gone.id)

    def names(page: Any) -> set[str]:
        return {item.name for item in page.items}

    assert names(await products.list(category_slug="tools")) == {"hammer", "saw"}
    assert names(await products.list(owner_id=1)) == {"hammer", "novel"}
    assert names(await products.list(tag="wood")) == {"saw"}
    assert names(await products.list(name_contains="AMM")) == {"hammer"}
    assert names(await products.list(name_contains=".*")) == set()
    between = await products.list(min_price=Decimal("8.00"), max_price=Decimal("12.00"))
    assert names(between) == {"hammer", "novel"}
    assert between.total == 2


async def test_list_sorts_and_pages_with_total(mongo_db: Db) -> None:
    products = ProductRepository(mongo_db)
    for name, price in [("a", "10.00"), ("b", "2.50"), ("c", "100.00"), ("d", "9.99")]:
        await add(products, name, price)
    by_price = await products.list(sort=ProductSortKey.PRICE)
    assert [item.name for item in by_price.items] == ["b", "d", "a", "c"]
    by_price_desc = await products.list(sort=ProductSortKey.PRICE_DESC, offset=1, limit=2)
    assert [item.name for item in by_price_desc.items] == ["a", "d"]
    assert by_price_desc.total == 4
    assert [item.name for item in (await products.list(sort=ProductSortKey.NAME)).items] == [
        "a",
        "b",
        "c",
        "d",
    ]
    newest = await products.list(sort=ProductSortKey.NEWEST, limit=1)
    assert len(newest.items) == 1
    assert newest.total == 4


async def test_update(mongo_db: Db) -> None:
    products = ProductRepository(mongo_db)
    created = await add(products, "hammer", "12.00")
    updated = await products.update(
        created.id, ProductUpdate(price=Decimal("13.75"), tags=["sale"])
    )
    assert (updated.name, updated.price, updated.tags) == ("hammer", Decimal("13.75"), ["sale"])
    assert updated.updated_at >= created.updated_at
    assert await products.get(created.id) == updated


async def test_update_into_a_taken_name_is_conflict(mongo_db: Db) -> None:
    products = ProductRepository(mongo_db)
    await add(products, "hammer")
    saw = await add(products, "saw")
    with pytest.raises(ConflictError):
        await products.update(saw.id, ProductUpdate(name="hammer"))


async def test_soft_delete_hides_but_keeps(mongo_db: Db) -> None:
    products = ProductRepository(mongo_db)
    created = await add(products, "hammer")
    await products.soft_delete(created.id)
    with pytest.raises(NotFoundError):
        await products.get(created.id)
    with pytest.raises(NotFoundError):
        await products.soft_delete(created.id)
    with pytest.raises(NotFoundError):
        await products.update(created.id, ProductUpdate(name="x"))
    assert await mongo_db["products"].count_documents({"_id": ObjectId(created.id)}) == 1


async def test_count_active_by_category(mongo_db: Db) -> None:
    products = ProductRepository(mongo_db)
    await add(products, "hammer", category="tools")
    gone = await add(products, "saw", category="tools")
    await add(products, "novel", category="books")
    await products.soft_delete(gone.id)
    assert await products.count_active_by_category("tools") == 1
    assert await products.count_active_by_category("empty") == 0
