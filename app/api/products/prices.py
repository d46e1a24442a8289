"""Prices: exact decimals with at most two places, never floats, in and out.

The rule, as clients see it:
- a price is given as a JSON string in plain decimal notation (`"0.30"`, `"12"`) or as a
  JSON number (`0.3`, `12`); the product routes parse JSON numbers straight into `Decimal`
  (see `app/api/products/routing.py`), so `0.1` is exactly one tenth, never the float;
- it has at most two decimal places (`"1.005"` is refused, not rounded), is above zero and
  at most `MAX_PRICE`; `NaN`, infinities, exponents in strings and booleans are refused;
- it is stored as BSON Decimal128 and always sent back as a string with two places
  (`"0.30"`), because a JSON number would be read back as a float by most clients.

A Python `float` is refused even from code callers: its exact value is already lost.
"""

import re
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, PlainSerializer
from pydantic_core import PydanticCustomError

CENT = Decimal("0.01")
MAX_PRICE = Decimal("999999.99")
# Plain notation only: "1e2" or " 1" would be a second spelling of the same price.
_PRICE_TEXT = re.compile(r"[0-9]{1,9}(?:\.[0-9]{1,9})?")


def _exact_input(value: object) -> object:
    if isinstance(value, bool | float):
        raise PydanticCustomError("price_type", "Give the price as a decimal string or number")
    if isinstance(value, str):
        if not _PRICE_TEXT.fullmatch(value):
            raise PydanticCustomError("price_format", "Write the price like 12.30")
        return Decimal(value)
    return value


def _to_cents(value: Decimal) -> Decimal:
    # Exact: the bounds already allow at most two places; this only fixes the exponent.
    return value.quantize(CENT)


def format_price(value: Decimal) -> str:
    """The price as sent to clients: a string with exactly two decimal places."""
    return str(value.quantize(CENT))


Price = Annotated[
    Decimal,
    Field(gt=0, le=MAX_PRICE, decimal_places=2, examples=["12.30"]),
    BeforeValidator(_exact_input),
    AfterValidator(_to_cents),
]
# A bound in a listing filter: zero is a meaningful lower bound there.
PriceBound = Annotated[
    Decimal,
    Field(ge=0, le=MAX_PRICE, decimal_places=2, examples=["10.00"]),
    BeforeValidator(_exact_input),
    AfterValidator(_to_cents),
]
PriceOut = Annotated[
    Decimal,
    PlainSerializer(format_price, return_type=str, when_used="json"),
    Field(examples=["12.30"]),
]
