"""Product input and output models; prices follow `app/api/products/prices.py`."""

from datetime import datetime
from typing import Annotated, Self

from pydantic import (
    AfterValidator,
    Field,
    StringConstraints,
    model_validator,
)
from pydantic_core import PydanticCustomError

from app.api.categories.schema import SLUG_PATTERN, Slug
from app.api.operator_guard import OperatorFreeModel
from app.api.pagination import PageQuery
from app.api.products.prices import Price, PriceBound, PriceOut
from app.api.response_model import ResponseModel
from app.core.openapi_rules import NON_BLANK_PATTERN, NUL_FREE_PATTERN, trim
from app.models.mongo.products import ProductSortKey

MAX_TAGS = 20

# A rule between parameters JSON Schema cannot state: the listing route publishes it under
# `ORDERED_PARAMETERS_KEY` (app.core.openapi_rules) for generated clients and fuzzers.
PRICE_RANGE = ("min_price", "max_price")

# An ObjectId's 24 hex digits; anything else is a 422 before MongoDB is asked.
ProductId = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9a-fA-F]{24}$"),
    Field(description="The product's id: 24 hexadecimal digits."),
]
Tag = Annotated[str, StringConstraints(min_length=1, max_length=32, pattern=SLUG_PATTERN)]
# Limits on the text as sent, then trimmed (see `app.core.openapi_rules`).
ProductName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=120, pattern=NON_BLANK_PATTERN),
    AfterValidator(trim),
]
Description = Annotated[
    str, StringConstraints(max_length=2000, pattern=NUL_FREE_PATTERN), AfterValidator(trim)
]


def _distinct(tags: list[str]) -> list[str]:
    # Order kept, repeats dropped: a tag is a set member, not a count.
    return list(dict.fromkeys(tags))


# Matched literally (escaped before it reaches MongoDB, never an operator or a pattern), so
# any text is fine: `$5 deal` is a search, not an injection.
# Limits on the text as sent, then trimmed (see `app.core.openapi_rules`).
SearchText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=100, pattern=NON_BLANK_PATTERN),
    AfterValidator(trim),
]

Tags = Annotated[list[Tag], Field(max_length=MAX_TAGS), AfterValidator(_distinct)]


class ProductCreate(OperatorFreeModel):
    """A new product; `category` is the slug of an existing category."""

    name: ProductName
    description: Description = ""
    price: Price
    category: Slug
    tags: Tags = Field(default_factory=list)


class ProductUpdate(OperatorFreeModel):
    """Fields to change; an absent (or null) field keeps its value."""

    name: ProductName | None = None
    description: Description | None = None
    price: Price | None = None
    category: Slug | None = None
    tags: Tags | None = None


class ProductOut(ResponseModel):
    """A product as clients see it; `price` is a string such as "0.30"."""

    id: str
    name: str
    description: str
    price: PriceOut
    # The stored product names its category by `category_slug`; clients see `category`.
    category: str = Field(validation_alias="category_slug")
    owner_id: int
    tags: list[str]
    created_at: datetime
    updated_at: datetime


class ProductListQuery(PageQuery):
    """Filters, order and page of a product listing; every filter given must match."""

    category: Slug | None = None
    search: SearchText | None = Field(
        default=None,
        description="Text the name contains, in any letter case; any text, matched literally.",
    )
    tag: Tag | None = None
    owner_id: int | None = Field(default=None, ge=1)
    min_price: PriceBound | None = None
    max_price: PriceBound | None = None
    sort: ProductSortKey = ProductSortKey.NEWEST

    @model_validator(mode="after")
    def _price_range_is_ordered(self) -> Self:
        # The operation publishes this rule as `PRICE_RANGE` (see above).
        if (
            self.min_price is not None
            and self.max_price is not None
            and self.min_price > self.max_price
        ):
            raise PydanticCustomError("price_range", "min_price must not exceed max_price")
        return self
