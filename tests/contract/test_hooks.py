"""The hooks read the rules the document publishes as extensions, and apply them as written."""

from tests.contract.hooks import breaks_ordering, unique_headers
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


def test_idempotency_keys_are_published_unique_on_every_creating_post(
    target: ContractTarget,
) -> None:
    paths = target.app.openapi()["paths"]
    # The app's own operations (the contract target also mounts test-only reference routes).
    creating = [
        operation
        for path, item in paths.items()
        if path.startswith("/api/")
        for method, operation in item.items()
        if method == "post" and "201" in operation.get("responses", {})
    ]
    assert len(creating) >= 2  # registration and categories at least
    for operation in creating:
        assert unique_headers(operation) == {"idempotency-key"}, operation["operationId"]
    # Reads carry no such rule.
    assert unique_headers(paths["/api/v1/categories"]["get"]) == set()
