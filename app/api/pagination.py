"""Listing bounds every paginated route accepts, and the page payload it returns."""

from collections.abc import Callable
from typing import Generic, TypeVar

from pydantic import BaseModel, Field

from app.api.request_model import RequestModel
from app.database.page import DEFAULT_LIMIT, MAX_LIMIT, Page

ItemT = TypeVar("ItemT")
OutT = TypeVar("OutT")

# A deep `skip` costs the database as much as reading every skipped row: cap it.
MAX_OFFSET = 100_000


class PageQuery(RequestModel):
    """`offset` and `limit` of a listing; out-of-range values are a 422, never clamped."""

    # Only declared parameters: `category[$ne]=x` or a typo is refused, not ignored.
    offset: int = Field(default=0, ge=0, le=MAX_OFFSET, description="Items to skip.")
    limit: int = Field(
        default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page (at most 100)."
    )


class PageOut(BaseModel, Generic[ItemT]):
    """One page of a listing: `items` from `offset`, at most `limit`, out of `total` matches."""

    items: list[ItemT]
    total: int
    offset: int
    limit: int


def page_out(page: Page[ItemT], convert: Callable[[ItemT], OutT]) -> PageOut[OutT]:
    """The payload for a repository page, each item converted to its output model."""
    return PageOut[OutT](
        items=[convert(item) for item in page.items],
        total=page.total,
        offset=page.offset,
        limit=page.limit,
    )
