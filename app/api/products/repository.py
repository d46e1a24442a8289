"""Products in MongoDB; failures come out as domain errors only."""

import re
from datetime import datetime
from decimal import Decimal
from typing import Any

from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from app.api.products.schema import ProductCreate, ProductUpdate
from app.core.errors import NotFoundError, PreconditionFailedError
from app.core.i18n import MessageKey
from app.database.mongo import mongo_errors, mongo_page
from app.database.page import Page
from app.models.mongo import products
from app.models.mongo.clock import mongo_now
from app.models.mongo.products import Product, ProductSortKey, object_id, to_decimal128

Document = dict[str, Any]


# `_id` breaks ties so pages never overlap or skip a product.
_SORTS: dict[ProductSortKey, list[tuple[str, int]]] = {
    ProductSortKey.NEWEST: [("created_at", DESCENDING), ("_id", DESCENDING)],
    ProductSortKey.OLDEST: [("created_at", ASCENDING), ("_id", ASCENDING)],
    ProductSortKey.PRICE: [("price", ASCENDING), ("_id", ASCENDING)],
    ProductSortKey.PRICE_DESC: [("price", DESCENDING), ("_id", DESCENDING)],
    ProductSortKey.NAME: [("name", ASCENDING), ("_id", ASCENDING)],
    ProductSortKey.NAME_DESC: [("name", DESCENDING), ("_id", DESCENDING)],
}


class ProductRepository:
    """Reads and writes the `products` collection; deleted products are kept, inactive."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.collection = db[products.COLLECTION]

    async def create(self, data: ProductCreate, *, owner_id: int) -> Product:
        """Add an active product; `ConflictError` if its owner has a live one of that name."""
        now = mongo_now()
        document: Document = {
            "name": data.name,
            "description": data.description,
            "price": to_decimal128(data.price),
            # Clients name the category `category`; documents, by what it holds.
            "category_slug": data.category,
            "owner_id": owner_id,
            "tags": list(data.tags),
            "active": True,
            "created_at": now,
            "updated_at": now,
        }
        with mongo_errors(MessageKey.PRODUCT_EXISTS):
            result = await self.collection.insert_one(document)
        return Product.from_document({**document, "_id": result.inserted_id})

    async def get(self, product_id: str) -> Product:
        """The active product with this id; `NotFoundError` if absent or deleted."""
        with mongo_errors():
            document = await self.collection.find_one(self._live(product_id))
        if document is None:
            raise NotFoundError(MessageKey.PRODUCT_NOT_FOUND)
        return Product.from_document(document)

    async def list(
        self,
        *,
        category_slug: str | None = None,
        owner_id: int | None = None,
        tag: str | None = None,
        name_contains: str | None = None,
        min_price: Decimal | None = None,
        max_price: Decimal | None = None,
        sort: ProductSortKey = ProductSortKey.NEWEST,
        offset: int = 0,
        limit: int = 20,
    ) -> Page[Product]:
        """Active products matching every given filter, in `sort` order, with the total."""
        query: Document = {"active": True}
        if category_slug is not None:
            query["category_slug"] = category_slug
        if owner_id is not None:
            query["owner_id"] = owner_id
        if tag is not None:
            query["tags"] = tag
        if name_contains:
            # Escaped: the client's text is matched literally, never run as a pattern.
            query["name"] = {"$regex": re.escape(name_contains), "$options": "i"}
        price: Document = {}
        if min_price is not None:
            price["$gte"] = to_decimal128(min_price)
        if max_price is not None:
            price["$lte"] = to_decimal128(max_price)
        if price:
            query["price"] = price
        return await mongo_page(
            self.collection, query, _SORTS[sort], Product.from_document, offset=offset, limit=limit
        )

    async def update(
        self, product_id: str, data: ProductUpdate, *, unchanged_since: datetime | None = None
    ) -> Product:
        """Change the given fields of an active product (None leaves one as it is).

        With `unchanged_since`, only if the product was last changed then (compare-and-set):
        otherwise `PreconditionFailedError`, and nothing is written.
        """
        changes: Document = {"updated_at": mongo_now()}
        if data.name is not None:
            changes["name"] = data.name
        if data.description is not None:
            changes["description"] = data.description
        if data.price is not None:
            changes["price"] = to_decimal128(data.price)
        if data.category is not None:
            changes["category_slug"] = data.category
        if data.tags is not None:
            changes["tags"] = list(data.tags)
        with mongo_errors(MessageKey.PRODUCT_EXISTS):
            document = await self.collection.find_one_and_update(
                self._version(product_id, unchanged_since),
                {"$set": changes},
                return_document=ReturnDocument.AFTER,
            )
        if document is None:
            raise _missed(unchanged_since)
        return Product.from_document(document)

    async def soft_delete(self, product_id: str, unchanged_since: datetime | None = None) -> None:
        """Mark the product inactive; `NotFoundError` if absent or already deleted.

        With `unchanged_since`, only if it was last changed then (else `PreconditionFailedError`).
        """
        with mongo_errors():
            result = await self.collection.update_one(
                self._version(product_id, unchanged_since),
                {"$set": {"active": False, "updated_at": mongo_now()}},
            )
        if result.matched_count == 0:
            raise _missed(unchanged_since)

    def _version(self, product_id: str, unchanged_since: datetime | None) -> Document:
        query = self._live(product_id)
        if unchanged_since is not None:
            query["updated_at"] = unchanged_since
        return query

    async def count_active_by_category(self, category_slug: str) -> int:
        """How many live products are in the category (e.g. before deleting it)."""
        with mongo_errors():
            return await self.collection.count_documents(
                {"active": True, "category_slug": category_slug}
            )

    @staticmethod
    def _live(product_id: str) -> Document:
        # An id that is not an ObjectId matches nothing instead of raising.
        return {"_id": object_id(product_id) or "", "active": True}


def _missed(unchanged_since: datetime | None) -> Exception:
    # A compare-and-set that matched nothing: the product changed (or went) since it was read.
    if unchanged_since is not None:
        return PreconditionFailedError()
    return NotFoundError(MessageKey.PRODUCT_NOT_FOUND)
