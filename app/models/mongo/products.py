"""Products: documents of the `products` collection and their model."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from bson import Decimal128, ObjectId
from pydantic import BaseModel
from pymongo import ASCENDING, DESCENDING, IndexModel

COLLECTION = "products"

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


class Product(BaseModel):
    """A product; `price` is an exact decimal, stored as BSON Decimal128, never a float."""

    id: str
    name: str
    description: str
    price: Decimal
    category_slug: str
    owner_id: int
    tags: list[str]
    active: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> "Product":
        """The model for a stored document."""
        return cls(
            id=str(document["_id"]),
            name=document["name"],
            description=document["description"],
            price=to_decimal(document["price"]),
            category_slug=document["category_slug"],
            owner_id=document["owner_id"],
            tags=list(document["tags"]),
            active=document["active"],
            created_at=document["created_at"],
            updated_at=document["updated_at"],
        )


def to_decimal128(value: Decimal) -> Decimal128:
    """The BSON form of a price."""
    return Decimal128(value)


def to_decimal(value: object) -> Decimal:
    """A stored price as `Decimal`; a float here would mean a writer broke the rule."""
    if isinstance(value, Decimal128):
        return value.to_decimal()
    raise TypeError(f"price stored as {type(value).__name__}, not Decimal128")


def object_id(value: str) -> ObjectId | None:
    """The ObjectId spelled by `value`, or None when it is not one (so: not found)."""
    return ObjectId(value) if ObjectId.is_valid(value) else None
