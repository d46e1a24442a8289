"""A root field takes its name and description from its resolver, by one convention."""

import pytest

from app.graphql.fields import root_field


async def resolve_answer() -> int:
    """The answer."""
    return 42


async def answer() -> int:
    """The answer, from a resolver not named for its field."""
    return 42


def test_the_name_is_the_resolvers_without_its_prefix() -> None:
    field = root_field(resolve_answer)
    assert (field.python_name, field.description) == ("answer", "The answer.")


def test_a_resolver_not_named_resolve_something_is_refused() -> None:
    with pytest.raises(ValueError, match="resolve_<field>"):
        root_field(answer)
