"""Products: documents of the `products` collection and their model."""

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from bson import Decimal128, ObjectId
from pydantic import BeforeValidator
from pymongo import ASCENDING, DESCENDING, IndexModel

from app.models.mongo.document import StoredDocument

COLLECTION = "products"


# One enum for every layer: REST's `sort` parameter, GraphQL's `ProductSort` and the
# repository's orders (the name stays ProductSortKey: it names the enum in the OpenAPI document).
class ProductSortKey(StrEnum):
    """The orders a listing accepts: a field, descending with a leading `-`."""

    NEWEST = "-created_at"
    OLDEST = "created_at"
    PRICE = "price"
    PRICE_DESC = "-price"
    NAME = "name"
    NAME_DESC = "-name"


INDEXES = [
    # One owner cannot offer two live products of the same name; soft-deleted ones free it.
    IndexModel(
        [("owner_id", ASCENDING), ("name", ASCENDING)],
        name="uq_products_owner_name_active",
        unique=True,
        partialFilterExpression={"active": True},
    ),
    IndexModel([("category_slug", ASCENDING), ("active", ASCENDING)], name="ix_products_category"),
    IndexModel([("active", ASCENDING), ("created_at", DESCENDING)], name="ix_products_recent"),
    IndexModel([("tags", ASCENDING)], name="ix_products_tags"),
]


def to_decimal128(value: Decimal) -> Decimal128:
    """The BSON form of a price."""
    return Decimal128(value)


def to_decimal(value: object) -> Decimal:
    """A stored price as `Decimal`; a float here would mean a writer broke the rule."""
    if isinstance(value, Decimal128):
        return value.to_decimal()
    raise TypeError(f"price stored as {type(value).__name__}, not Decimal128")


class Product(StoredDocument):
    """A product; `price` is an exact decimal, stored as BSON Decimal128, never a float."""

    name: str
    description: str
    price: Annotated[Decimal, BeforeValidator(to_decimal)]
    category_slug: str
    owner_id: int
    tags: list[str]
    active: bool
    created_at: datetime
    updated_at: datetime


def object_id(value: str) -> ObjectId | None:
    """The ObjectId spelled by `value`, or None when it is not one (so: not found)."""
    return ObjectId(value) if ObjectId.is_valid(value) else None
