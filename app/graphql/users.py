"""User fields: `me`."""

import strawberry
from strawberry import Info

from app.api.auth.access import USER
from app.api.users.service import load_active_user
from app.graphql.context import GraphQLContext
from app.graphql.permissions import permission
from app.graphql.types import UserType, copied


async def resolve_me(info: Info[GraphQLContext, None]) -> UserType:
    """The signed-in user's profile."""
    principal = await info.context.admit(USER)
    # The check REST's `CurrentUser` makes: a banned, inactive or deleted account is refused
    # even while its session is still alive in Redis.
    async with info.context.postgres_session() as session:
        user = await load_active_user(session, principal.account_id)
    return copied(UserType, user)


@strawberry.type
class UserQuery:
    """Queries about the signed-in user."""

    # `resolver=` rather than the decorator: the decorator form is untyped for mypy.
    me: UserType = strawberry.field(
        resolver=resolve_me,
        permission_classes=[permission(USER)],
        description="The signed-in user's profile (a user-realm token).",
    )
