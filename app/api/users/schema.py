"""Request and response bodies of the user routes."""

from datetime import datetime

from pydantic import ConfigDict, Field, model_validator

from app.api.auth.schema import Email, Username
from app.api.request_model import RequestModel
from app.api.response_model import ResponseModel
from app.core.i18n.issues import RuleViolationError
from app.core.openapi_rules import CALLER_PASSWORD_KEY, NUL_FREE_PATTERN
from app.core.security.passwords import MAX_PASSWORD_CHARS, NewPassword


class UserOut(ResponseModel):
    """A user account as its owner (or an admin) sees it; never the password hash."""

    id: int
    username: str
    email: str
    role: str
    is_active: bool
    is_banned: bool
    created_at: datetime


class ProfileUpdate(RequestModel):
    """New username and/or email; a field left out stays as it is."""

    # The validator below, in JSON Schema: at least one of the two, and not null.
    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"required": [name], "properties": {name: {"not": {"type": "null"}}}}
                for name in ("username", "email")
            ]
        },
    )

    username: Username | None = None
    email: Email | None = None

    @model_validator(mode="after")
    def _something_to_change(self) -> "ProfileUpdate":
        if self.username is None and self.email is None:
            raise RuleViolationError("nothing_to_change", "give a username or an email to change")
        return self


class PasswordChange(RequestModel):
    """The current password (proof it is the owner) and the new one."""

    # A credential no schema can describe: the extension tells clients and fuzzers that a
    # valid request carries the signed-in account's own password here.
    current_password: str = Field(
        min_length=1,
        max_length=MAX_PASSWORD_CHARS * 4,
        pattern=NUL_FREE_PATTERN,
        json_schema_extra={CALLER_PASSWORD_KEY: True},
    )
    new_password: NewPassword
