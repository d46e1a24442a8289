"""A slice of a listing with the total count, as every repository's `list` returns it."""

from dataclasses import dataclass
from typing import Generic, TypeVar

ItemT = TypeVar("ItemT")

# Bounds that keep one listing query cheap whatever the client asks for.
DEFAULT_LIMIT = 20
MAX_LIMIT = 100


@dataclass(frozen=True)
class Page(Generic[ItemT]):
    """`items` from `offset` (at most `limit` of them) out of `total` matches."""

    items: list[ItemT]
    total: int
    offset: int
    limit: int


def clamp_limit(limit: int) -> int:
    """`limit` held between 1 and `MAX_LIMIT`."""
    return max(1, min(limit, MAX_LIMIT))


def clamp_offset(offset: int) -> int:
    """A negative offset reads as 0."""
    return max(0, offset)
