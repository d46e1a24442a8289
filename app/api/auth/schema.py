"""Request and response bodies of the auth routes."""

from datetime import UTC, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from app.api.auth.sessions import SessionInfo
from app.api.auth.tokens import TokenPair
from app.api.request_model import RequestModel
from app.core.openapi_rules import NUL_FREE_PATTERN, TRIMMED
from app.core.security.passwords import MAX_PASSWORD_CHARS, NewPassword

USERNAME_PATTERN = r"^[A-Za-z0-9_.-]+$"
# A shape check only (one @, a dot in the domain): ownership is proven by mail, not syntax.
# Whitespace spelled out, not `\s`, which the regex engines read differently (openapi_rules).
_EMAIL_PART = rf"[^@\x00{TRIMMED}]+"
EMAIL_PATTERN = rf"^{_EMAIL_PART}@{_EMAIL_PART}\.{_EMAIL_PART}$"


Username = Annotated[str, Field(min_length=3, max_length=64, pattern=USERNAME_PATTERN)]
Email = Annotated[str, Field(min_length=3, max_length=320, pattern=EMAIL_PATTERN)]


class RegisterRequest(RequestModel):
    """A new user account."""

    username: Username
    email: Email
    password: NewPassword


class LoginRequest(RequestModel):
    """Credentials for a JSON login."""

    # Bounded, not rule-checked: an old password may predate today's rules.
    username: str = Field(min_length=1, max_length=64, pattern=NUL_FREE_PATTERN)
    password: str = Field(min_length=1, max_length=MAX_PASSWORD_CHARS * 4, pattern=NUL_FREE_PATTERN)


class PasswordLoginForm(BaseModel):
    """The OAuth2 password form (RFC 6749 §4.3.2) Swagger's "Authorize" posts, with its limits."""

    # FastAPI's `OAuth2PasswordRequestForm` fields, bounded as `LoginRequest` is.
    grant_type: Annotated[str, Field(pattern=r"^password$")] | None = None
    username: str = Field(min_length=1, max_length=64, pattern=NUL_FREE_PATTERN)
    password: str = Field(
        min_length=1,
        max_length=MAX_PASSWORD_CHARS * 4,
        pattern=NUL_FREE_PATTERN,
        json_schema_extra={"format": "password"},
    )
    scope: str = Field(default="", max_length=1024, pattern=NUL_FREE_PATTERN)
    client_id: Annotated[str, Field(max_length=256, pattern=NUL_FREE_PATTERN)] | None = None
    client_secret: Annotated[str, Field(max_length=256, pattern=NUL_FREE_PATTERN)] | None = None


class RefreshRequest(RequestModel):
    """A refresh token to spend for a new pair."""

    refresh_token: str = Field(min_length=1, max_length=4096, pattern=NUL_FREE_PATTERN)


class TokenPairOut(TokenPair):
    """The tokens a login or refresh hands out, with their lifetimes in seconds."""

    # Read off the service's `TokenPair` by `model_validate`, field by field.
    model_config = ConfigDict(from_attributes=True)


class SessionOut(BaseModel):
    """One live session; `current` marks the one the request came with."""

    sid: str
    # ISO 8601 in UTC like every other timestamp the API sends (Redis keeps epoch seconds).
    created_at: datetime
    last_seen_at: datetime
    user_agent: str
    ip: str
    current: bool

    @classmethod
    def of(cls, session: SessionInfo, current_sid: str) -> "SessionOut":
        """The payload for a session."""
        return cls(
            sid=session.sid,
            created_at=datetime.fromtimestamp(session.created_at, UTC),
            last_seen_at=datetime.fromtimestamp(session.last_seen_at, UTC),
            user_agent=session.user_agent,
            ip=session.ip,
            current=session.sid == current_sid,
        )
