"""Reference routes mounted beside the app's own: every parameter kind the foundation handles.

The app's routes may not yet take path parameters or bodies; these do, built exactly like an
app route (EnvelopeRoute, `error_responses`, `Envelope[...]`), so the contract strategies always
have typed path parameters, query parameters and a JSON body to attack.
"""

from datetime import date
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from app.core.envelope import Envelope, error_responses, success
from app.core.errors import ErrorType
from app.core.routing import EnvelopeRoute
from app.depends import Lang

PREFIX = "/_contract/reference"


class Shade(StrEnum):
    """A closed set, to exercise enum path parameters."""

    RED = "red"
    GREEN = "green"


class TypedPath(BaseModel):
    """Every typed path parameter, as parsed."""

    number: int
    ratio: float | None
    ident: UUID
    flag: bool
    shade: Shade
    day: date
    word: str


class Parcel(BaseModel):
    """A JSON body with nesting, bounds and no extra keys."""

    model_config = ConfigDict(extra="forbid")

    label: str = Field(min_length=1, max_length=64)
    weight: float = Field(ge=0, le=1000)
    tags: list[str] = Field(default_factory=list, max_length=8)
    # Unconstrained on purpose: whatever text the JSON parser lets through is echoed back.
    note: str | None = None


router = APIRouter(prefix=PREFIX, tags=["contract-reference"], route_class=EnvelopeRoute)


@router.get(
    "/typed/{number}/{ratio}/{ident}/{flag}/{shade}/{day}/{word}", responses=error_responses()
)
async def typed_path(
    number: int,
    ratio: float,
    ident: UUID,
    flag: bool,
    shade: Shade,
    day: date,
    word: Annotated[str, Path(max_length=16)],
    lang: Lang,
) -> Envelope[TypedPath]:
    """Echo every typed path parameter back."""
    # NaN and infinities have no JSON spelling; they come back as null.
    finite = ratio if ratio == ratio and abs(ratio) != float("inf") else None
    parsed = TypedPath(
        number=number, ratio=finite, ident=ident, flag=flag, shade=shade, day=day, word=word
    )
    return success(parsed, lang)


@router.post("/parcels", status_code=201, responses=error_responses())
async def create_parcel(
    parcel: Parcel, lang: Lang, copies: Annotated[int, Query(ge=1, le=10)] = 1
) -> Envelope[list[Parcel]]:
    """Echo the parcel back `copies` times."""
    return success([parcel] * copies, lang, ErrorType.RESOURCE_CREATED)
