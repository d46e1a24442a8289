"""User fields: `me`."""

import strawberry
from strawberry import Info

from app.api.users.repository import UserRepository
from app.core.security.tokens import Realm
from app.graphql.context import GraphQLContext
from app.graphql.permissions import IsUser
from app.graphql.types import UserType


async def resolve_me(info: Info[GraphQLContext, None]) -> UserType:
    """The signed-in user's profile."""
    principal = await info.context.require_principal(Realm.USER)
    # Reads the repository until app/api/users/service.py lands; then this calls the service
    # REST's GET /api/v1/users/me uses (which also refuses banned accounts), unchanged.
    async with info.context.postgres_lock:
        user = await UserRepository(info.context.postgres).get_by_id(principal.account_id)
    return UserType.from_model(user)


@strawberry.type
class UserQuery:
    """Queries about the signed-in user."""

    # `resolver=` rather than the decorator: the decorator form is untyped for mypy.
    me: UserType = strawberry.field(
        resolver=resolve_me,
        permission_classes=[IsUser],
        description="The signed-in user's profile (a user-realm token).",
    )
