"""GraphQL object types; each mirrors the fields of its REST response schema."""

import dataclasses
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

import strawberry

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

TypeT = TypeVar("TypeT", bound="DataclassInstance")


def copied(type_: type[TypeT], source: object, **computed: Any) -> TypeT:
    """A `type_` (a strawberry type) with each field read off `source` by name, or `computed`."""
    values = {
        field.name: getattr(source, field.name)
        for field in dataclasses.fields(type_)
        # Fields with a resolver are computed by strawberry, not stored.
        if field.init and field.name not in computed
    }
    return type_(**values, **computed)


@strawberry.type(name="User")
class UserType:
    """A user's profile, the fields REST's `/api/v1/users/me` returns."""

    id: int
    username: str
    email: str
    role: str
    created_at: datetime
