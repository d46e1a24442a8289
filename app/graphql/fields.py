"""Root fields: each domain module lists its own, and the schema's root types gather them."""

import inspect
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass
from typing import Any

import strawberry
from strawberry.types.field import StrawberryField

from app.api.auth.access import Policy
from app.graphql.permissions import permission

RESOLVER_PREFIX = "resolve_"


@dataclass(frozen=True)
class RootFields:
    """A domain module's root fields, each kind in the order the schema lists them."""

    queries: tuple[StrawberryField, ...] = ()
    mutations: tuple[StrawberryField, ...] = ()


def root_field(
    resolver: Callable[..., Coroutine[Any, Any, object]], policy: Policy | None = None
) -> StrawberryField:
    """The field `resolver` answers: named as it is less `resolve_`, its docstring describing it.

    With a `policy`, only callers that policy admits get an answer; without one it is public.
    """
    if not resolver.__name__.startswith(RESOLVER_PREFIX):
        raise ValueError(f"{resolver.__name__}: a root field's resolver is named resolve_<field>")
    field: StrawberryField = strawberry.field(
        resolver=resolver,
        description=inspect.getdoc(resolver),
        permission_classes=[] if policy is None else [permission(policy)],
    )
    field.python_name = resolver.__name__.removeprefix(RESOLVER_PREFIX)
    return field


def root_type(name: str, fields: Iterable[StrawberryField]) -> type:
    """The root type `name` (`Query`, `Mutation`) with `fields`, each typed by its resolver."""
    return strawberry.type(type(name, (), {field.python_name: field for field in fields}))
