"""User fields: `me` (the module pattern is described in `app/graphql/categories.py`)."""

import strawberry
from strawberry import Info

from app.api.auth.access import USER
from app.api.users.schema import UserOut
from app.graphql.context import GraphQLContext
from app.graphql.fields import RootFields, root_field


# Derived from REST's `UserOut` without its `is_active`/`is_banned` flags, which the schema
# never had: `me` answers for an active, unbanned account only.
@strawberry.experimental.pydantic.type(UserOut, name="User")
class UserType:
    """A user's profile: fields of REST's `UserOut`, derived from it."""

    id: strawberry.auto
    username: strawberry.auto
    email: strawberry.auto
    role: strawberry.auto
    created_at: strawberry.auto


async def resolve_me(info: Info[GraphQLContext, None]) -> UserType:
    """The signed-in user's profile (a user-realm token)."""
    # The gate refuses a banned, inactive or deleted account even while its session is
    # still alive in Redis, and hands over the row it read: one account read per request.
    _, user = await info.context.admit_account(USER)
    return UserType.from_pydantic(UserOut.model_validate(user))


USER_FIELDS = RootFields(queries=(root_field(resolve_me, USER),))
