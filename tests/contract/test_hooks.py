"""The hooks read the rules the document publishes as extensions, and apply them as written."""

from tests.contract.hooks import breaks_ordering
from tests.contract.target import ContractTarget


def test_the_price_order_is_published_and_read(target: ContractTarget) -> None:
    definition = target.app.openapi()["paths"]["/api/v1/products"]["get"]
    assert definition["x-ordered-parameters"] == [["min_price", "max_price"]]
    assert breaks_ordering(definition, {"min_price": "10.00", "max_price": 0})
    assert not breaks_ordering(definition, {"min_price": "10.00", "max_price": "10"})
    assert not breaks_ordering(definition, {"min_price": "10.00"})
    # Not a number at all: a negative case for another reason, left to the app to refuse.
    assert not breaks_ordering(definition, {"min_price": "x", "max_price": "1"})


def test_the_byte_limit_is_published_on_new_passwords(target: ContractTarget) -> None:
    schemas = target.app.openapi()["components"]["schemas"]
    for model, field in (("RegisterRequest", "password"), ("PasswordChange", "new_password")):
        assert schemas[model]["properties"][field]["x-max-utf8-bytes"] == 72
    assert schemas["PasswordChange"]["properties"]["current_password"]["x-caller-password"]
