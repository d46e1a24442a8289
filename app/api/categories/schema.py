"""Category input and output models."""

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from app.api.operator_guard import OperatorFreeModel
from app.api.response_model import ResponseModel
from app.core.openapi_rules import NON_BLANK_PATTERN, trim

# Lowercase words of letters and digits joined by single hyphens: safe in a URL as it is.
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SLUG_MIN_LENGTH = 2
SLUG_MAX_LENGTH = 64  # the column's width

Slug = Annotated[
    str,
    StringConstraints(min_length=SLUG_MIN_LENGTH, max_length=SLUG_MAX_LENGTH, pattern=SLUG_PATTERN),
    Field(description="Lowercase letters, digits and single hyphens, 2 to 64 characters."),
]
# Limits on the text as sent, then trimmed (see `app.core.openapi_rules`).
CategoryName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=128, pattern=NON_BLANK_PATTERN),
    AfterValidator(trim),
]


class CategoryCreate(OperatorFreeModel):
    """A new category."""

    slug: Slug
    name: CategoryName


class CategoryUpdate(OperatorFreeModel):
    """Fields to change; an absent (or null) field keeps its value."""

    slug: Slug | None = None
    name: CategoryName | None = None


class CategoryOut(ResponseModel):
    """A category as clients see it."""

    slug: str
    name: str
    created_at: datetime
    updated_at: datetime
