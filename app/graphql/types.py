"""GraphQL object types; each mirrors the fields of its REST response schema."""

from datetime import datetime

import strawberry

from app.models.postgres.users import User


@strawberry.type(name="User")
class UserType:
    """A user's profile, the fields REST's `/api/v1/users/me` returns."""

    id: int
    username: str
    email: str
    role: str
    created_at: datetime

    @classmethod
    def from_model(cls, user: User) -> "UserType":
        """The profile of a stored user."""
        return cls(
            id=user.id,
            username=user.username,
            email=user.email,
            role=user.role,
            created_at=user.created_at,
        )
