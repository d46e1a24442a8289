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
from typing import Annotated, TypeVar

from pydantic import AfterValidator, BeforeValidator, Field, PlainSerializer, WithJsonSchema
from pydantic_core import PydanticCustomError

DecimalT = TypeVar("DecimalT", bound=Decimal)

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


# The rules above in JSON Schema: a number on the cent grid, or its plain-notation text
# (canonical spellings only: leading zeros and extra trailing zeros are accepted, not promised).
_CENTS = r"(?:\.[0-9]{1,2})?"
_POSITIVE_TEXT = rf"^(?:[1-9][0-9]{{0,5}}{_CENTS}|0\.(?:[1-9][0-9]?|0[1-9]))$"
_BOUND_TEXT = rf"^(?:0|[1-9][0-9]{{0,5}}){_CENTS}$"
_NUMBER = {"type": "number", "maximum": float(MAX_PRICE), "multipleOf": float(CENT)}
PRICE_JSON_SCHEMA = {
    "anyOf": [
        {**_NUMBER, "exclusiveMinimum": 0},
        {"type": "string", "pattern": _POSITIVE_TEXT},
    ],
    "examples": ["12.30"],
}
PRICE_BOUND_JSON_SCHEMA = {
    "anyOf": [{**_NUMBER, "minimum": 0}, {"type": "string", "pattern": _BOUND_TEXT}],
    "examples": ["10.00"],
}

# Either price type: the rules above on the way in, whatever bounds the type adds.
Exact = Annotated[DecimalT, BeforeValidator(_exact_input), AfterValidator(_to_cents)]

Price = Exact[
    Annotated[
        Decimal,
        Field(gt=0, le=MAX_PRICE, decimal_places=2),
        WithJsonSchema(PRICE_JSON_SCHEMA, mode="validation"),
    ]
]
# A bound in a listing filter: zero is a meaningful lower bound there.
PriceBound = Exact[
    Annotated[
        Decimal,
        Field(ge=0, le=MAX_PRICE, decimal_places=2),
        WithJsonSchema(PRICE_BOUND_JSON_SCHEMA, mode="validation"),
    ]
]
PriceOut = Annotated[
    Decimal,
    PlainSerializer(format_price, return_type=str, when_used="json"),
    Field(examples=["12.30"]),
]
