"""Every REST operation declares its access policy, and the README's table is that list."""

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from app.api.auth.access import PUBLIC, Policy, policy_of
from app.main import create_app
from app.settings import Settings
from tests.unit.access.readme_table import readme_table, table

# Open without a token by nature: they are how a caller gets one (or its public keys).
CREDENTIAL_ROUTES = frozenset(
    {
        "POST /api/v1/auth/register",
        "POST /api/v1/auth/login",
        "POST /api/v1/auth/login/form",
        "POST /api/v1/auth/refresh",
        "POST /api/v1/admin/auth/login",
        "POST /api/v1/admin/auth/login/form",
        "POST /api/v1/admin/auth/refresh",
    }
)


def _policies(dependant: Dependant) -> list[Policy]:
    found = [] if (policy := policy_of(dependant.call)) is None else [policy]
    for child in dependant.dependencies:
        found += _policies(child)
    return found


def rest_policies(app: FastAPI) -> list[tuple[str, str, Policy]]:
    """(method, path, policy) for every documented REST operation, in path order."""
    rows = []
    for route in app.routes:
        if not isinstance(route, APIRoute) or not route.include_in_schema:
            continue
        declared = set(_policies(route.dependant))
        assert len(declared) <= 1, f"{route.path} declares {declared}"
        policy = declared.pop() if declared else PUBLIC
        rows += [(method, route.path, policy) for method in sorted(route.methods or ())]
    return sorted(rows, key=lambda row: (row[1], row[0]))


def test_only_reads_and_credential_routes_are_public() -> None:
    """No write is open to anyone: a route without a policy is a GET or hands out tokens."""
    for method, path, policy in rest_policies(create_app(Settings())):
        if policy == PUBLIC:
            assert method in ("GET", "HEAD") or f"{method} {path}" in CREDENTIAL_ROUTES, path


def test_readme_access_table_is_the_declared_policies() -> None:
    """README.md's REST access table is exactly what the routes declare."""
    rows = [
        (f"{m} {p}", policy.describe()) for m, p, policy in rest_policies(create_app(Settings()))
    ]
    expected = table(rows)
    assert readme_table("rest") == expected, "README.md's REST access table is stale:\n" + expected
