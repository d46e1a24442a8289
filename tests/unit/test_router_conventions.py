"""How routers are written: they call services, and a router-wide guard is the router's."""

import ast
from pathlib import Path

from fastapi.routing import APIRoute

from app.api.admins.router import users_router
from app.api.auth.access import ADMIN, policy_of

APP = Path(__file__).resolve().parents[2] / "app"


def _constructed_repositories(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{path.relative_to(APP.parent)}:{node.lineno} {node.func.id}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id.endswith("Repository")
    ]


def test_routers_and_request_dependencies_leave_repositories_to_the_services() -> None:
    """A route hands the service its session; the service builds its repository."""
    callers = [*APP.glob("api/*/router.py"), APP / "api/auth/realm_routes.py", APP / "depends.py"]
    assert len(callers) > 5
    found = [hit for path in callers for hit in _constructed_repositories(path)]
    assert found == []


def test_the_admin_user_routes_take_the_admin_policy_from_their_router() -> None:
    """Each `/admin/users` route carries the router's one dependency: the admin policy."""
    assert [policy_of(depends.dependency) for depends in users_router.dependencies] == [ADMIN]
    assert len(users_router.routes) == 3
    for route in users_router.routes:
        assert isinstance(route, APIRoute)
        assert ADMIN in [policy_of(depends.dependency) for depends in route.dependencies]
