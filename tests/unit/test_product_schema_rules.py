"""The product types' schemas promise what the types accept (prices, names, descriptions)."""

from decimal import Decimal
from typing import cast

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from app.api.products.prices import PRICE_BOUND_JSON_SCHEMA, PRICE_JSON_SCHEMA, Price, PriceBound
from app.api.products.schema import Description, ProductName
from tests.unit.test_openapi_rules import Schema, accepts_schema_valid_text


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_valid_names_by_the_schema_are_accepted(data: st.DataObject) -> None:
    for annotation in (ProductName, Description):
        accepts_schema_valid_text(annotation, data)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_valid_prices_by_the_schema_are_accepted(data: st.DataObject) -> None:
    for annotation, schema in ((Price, PRICE_JSON_SCHEMA), (PriceBound, PRICE_BOUND_JSON_SCHEMA)):
        number, text = cast("list[Schema]", schema["anyOf"])
        spelled: str = data.draw(st.from_regex(str(text["pattern"]), fullmatch=True))
        cents = data.draw(st.integers(min_value=0, max_value=99999999))
        on_grid = Decimal(cents) / 100
        low_ok = on_grid > 0 if "exclusiveMinimum" in number else on_grid >= 0
        adapter = TypeAdapter(annotation)
        adapter.validate_python(spelled)
        if low_ok:
            adapter.validate_python(on_grid)
