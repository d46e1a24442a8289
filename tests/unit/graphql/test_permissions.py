"""Permission classes: REST's realms and roles, REST's errors, on any field that uses them."""

from collections.abc import Awaitable, Callable

import pytest
import strawberry
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.api.auth.tokens import TokenService
from app.core.errors import ErrorType
from app.core.security.tokens import Realm
from app.graphql.context import GraphQLContext
from app.graphql.errors import format_errors
from app.graphql.permissions import IsAdmin, IsUser, admin_with_role
from tests.envelope import check_envelope


def _yes() -> bool:
    return True


@strawberry.type
class Probe:
    """Fields guarded the way domain fields will be."""

    user_only: bool = strawberry.field(resolver=_yes, permission_classes=[IsUser])
    admin_only: bool = strawberry.field(resolver=_yes, permission_classes=[IsAdmin])
    superadmin_only: bool = strawberry.field(
        resolver=_yes, permission_classes=[admin_with_role("superadmin")]
    )


SCHEMA = strawberry.Schema(query=Probe)
Run = Callable[[str, str | None], Awaitable[str]]


@pytest.fixture
def run(
    app: FastAPI, tokens: TokenService, postgres_session: AsyncSession, admins_session: AsyncSession
) -> Run:
    """Resolve one field with a token; the error_type it answers (SUCCESS when it resolves)."""

    async def run(field: str, token: str | None) -> str:
        context = GraphQLContext(
            settings=app.state.settings,
            language="en",
            request_id="perm-test",
            tokens=tokens,
            bearer_token=token,
            postgres=postgres_session,
            admins=admins_session,
            mongo=app.state.mongo.db,
            redis=app.state.redis,
        )
        result = await SCHEMA.execute(f"{{ {field} }}", context_value=context)
        if not result.errors:
            return ErrorType.SUCCESS.value
        [entry] = format_errors(result.errors, "en", "perm-test")
        check_envelope(entry["extensions"], entry["extensions"]["status_code"], "en")
        return str(entry["extensions"]["error_type"])

    return run


async def test_realms_and_roles(run: Run, tokens: TokenService) -> None:
    user = (await tokens.issue(Realm.USER, 1, "user")).access_token
    admin = (await tokens.issue(Realm.ADMIN, 1, "admin")).access_token
    superadmin = (await tokens.issue(Realm.ADMIN, 2, "superadmin")).access_token
    cases = {
        ("userOnly", None): "UNAUTHORIZED",
        ("userOnly", user): "SUCCESS",
        ("userOnly", admin): "UNAUTHORIZED",
        ("adminOnly", None): "UNAUTHORIZED",
        ("adminOnly", user): "UNAUTHORIZED",
        ("adminOnly", admin): "SUCCESS",
        ("superadminOnly", user): "UNAUTHORIZED",
        ("superadminOnly", admin): "FORBIDDEN",
        ("superadminOnly", superadmin): "SUCCESS",
    }
    answered = {case: await run(*case) for case in cases}
    assert answered == cases


async def test_revoked_admin_session_is_refused(run: Run, tokens: TokenService) -> None:
    admin = (await tokens.issue(Realm.ADMIN, 1, "admin")).access_token
    assert await run("adminOnly", admin) == "SUCCESS"
    await tokens.logout_all(Realm.ADMIN, 1)
    assert await run("adminOnly", admin) == "UNAUTHORIZED"
