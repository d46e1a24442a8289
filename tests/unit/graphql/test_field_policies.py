"""Every GraphQL field declares its access policy, and the README's table is that list."""

from typing import Any

from strawberry.utils.str_converters import to_camel_case

from app.api.auth.access import PUBLIC, Policy
from app.graphql.permissions import PolicyPermission
from app.graphql.schema import Mutation, Query
from tests.unit.access.readme_table import readme_table, table


def field_policies() -> list[tuple[str, Policy]]:
    """(operation, policy) for every root field, queries first."""
    rows = []
    roots: tuple[tuple[str, Any], ...] = (("query", Query), ("mutation", Mutation))
    for kind, root in roots:
        definition: Any = root.__strawberry_definition__
        for field in definition.fields:
            policies = [
                cls.policy for cls in field.permission_classes if issubclass(cls, PolicyPermission)
            ]
            assert len(policies) <= 1, field.python_name
            name = field.graphql_name or to_camel_case(field.python_name)
            rows.append((f"{kind} {name}", policies[0] if policies else PUBLIC))
    return sorted(rows, key=lambda row: row[0])


def test_only_queries_are_public() -> None:
    """Every mutation declares who may call it."""
    for operation, policy in field_policies():
        assert operation.startswith("query ") or policy != PUBLIC, operation


def test_readme_access_table_is_the_declared_policies() -> None:
    """README.md's GraphQL access table is exactly what the fields declare."""
    expected = table([(operation, policy.describe()) for operation, policy in field_policies()])
    assert readme_table("graphql") == expected, (
        "README.md's GraphQL access table is stale:\n" + expected
    )
