"""Root fields: the resolver answering one, its description and who may call it."""

from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import strawberry

from app.api.auth.access import Policy
from app.graphql.permissions import permission

ResultT = TypeVar("ResultT")


def root_field(
    resolver: Callable[..., Coroutine[Any, Any, ResultT]],
    description: str,
    policy: Policy | None = None,
) -> ResultT:
    """The field `resolver` answers; with a `policy`, only callers it admits (else public)."""
    # `resolver=` rather than strawberry's decorator form, which is untyped for mypy. Typed as
    # the resolver's result, so mypy checks it against the field's annotation on the class.
    field: ResultT = strawberry.field(
        resolver=resolver,
        description=description,
        permission_classes=[] if policy is None else [permission(policy)],
    )
    return field
