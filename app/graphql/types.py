"""Object types every domain module shares: one page of a listing, and a field-copying helper."""

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import strawberry

from app.api.pagination import PageOut

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

TypeT = TypeVar("TypeT", bound="DataclassInstance")
ItemT = TypeVar("ItemT")
OutT = TypeVar("OutT")


def copied(type_: type[TypeT], source: object, **computed: Any) -> TypeT:
    """A `type_` (a strawberry type) with each field read off `source` by name, or `computed`."""
    values = {
        field.name: getattr(source, field.name)
        for field in dataclasses.fields(type_)
        # Fields with a resolver are computed by strawberry, not stored.
        if field.init and field.name not in computed
    }
    return type_(**values, **computed)


# Strawberry names each use after its item type: `Page[CategoryType]` is `CategoryPage`.
@strawberry.type
class Page(Generic[ItemT]):
    """One page of a listing, the fields of REST's `PageOut`: `items` from `offset`, of `total`."""

    items: list[ItemT]
    total: int
    offset: int
    limit: int

    @classmethod
    def of(cls, listing: PageOut[OutT], convert: Callable[[OutT], ItemT]) -> "Page[ItemT]":
        """The GraphQL page of a service's listing, each item converted by `convert`."""
        return cls(
            items=[convert(item) for item in listing.items],
            total=listing.total,
            offset=listing.offset,
            limit=listing.limit,
        )
