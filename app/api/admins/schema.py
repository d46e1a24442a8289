"""Request and response bodies of the admin routes."""

from pydantic import BaseModel

from app.models.mysql.admins import Admin


class AdminOut(BaseModel):
    """An administrator account; never the password hash."""

    id: int
    username: str
    email: str
    role: str

    @classmethod
    def of(cls, admin: Admin) -> "AdminOut":
        """The payload for an admin row."""
        return cls(id=admin.id, username=admin.username, email=admin.email, role=admin.role)
