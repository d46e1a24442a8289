"""The operator guard on its own: it refuses `$` keys even where a model's types would not."""

from typing import Any

import pytest
from pydantic import BaseModel, Field, TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from app.api.operator_guard import OperatorFreeModel, QueryText, has_operator_key


class Loose(OperatorFreeModel):
    """A body with a field loose enough to carry an operator, were it not for the guard."""

    filter: dict[str, Any] = Field(default_factory=dict)


class Unguarded(BaseModel):
    """The same field without the guard, to show the guard is what refuses."""

    filter: dict[str, Any] = Field(default_factory=dict)


@pytest.mark.parametrize(
    "value",
    [
        {"$gt": ""},
        {"a": {"b": [{"c": {"$where": "1"}}]}},
        [{"x": 1}, [{"$ne": None}]],
    ],
)
def test_finds_operator_keys_at_any_depth(value: object) -> None:
    assert has_operator_key(value)


@pytest.mark.parametrize("value", [{"price": "$5"}, ["$gt"], "$where", {"a": {"b": 1}}, None, 3])
def test_values_starting_with_a_dollar_are_not_keys(value: object) -> None:
    assert not has_operator_key(value)


def test_survives_very_deep_nesting() -> None:
    value: Any = {"$where": "1"}
    for _ in range(10_000):
        value = {"a": [value]}
    assert has_operator_key(value)


def test_the_guard_refuses_what_the_types_would_let_through() -> None:
    hostile = {"filter": {"price": {"$gt": 0}}}
    assert Unguarded.model_validate(hostile).filter == {"price": {"$gt": 0}}
    with pytest.raises(PydanticValidationError) as caught:
        Loose.model_validate(hostile)
    assert [error["type"] for error in caught.value.errors()] == ["operator_key"]
    assert Loose.model_validate({"filter": {"price": 1}}).filter == {"price": 1}


@pytest.mark.parametrize("text", ["$where", '{"$gt": ""}', '[{"a": {"$ne": 1}}]', " $ne"])
def test_query_text_refuses_operators(text: str) -> None:
    with pytest.raises(PydanticValidationError):
        TypeAdapter(QueryText).validate_python(text)


@pytest.mark.parametrize("text", ["5$", "{curly", "[draft] notes", '{"a": 1}', "a.c"])
def test_query_text_keeps_plain_text(text: str) -> None:
    assert TypeAdapter(QueryText).validate_python(text) == text
