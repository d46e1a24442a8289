"""Issues, verifies, refreshes and revokes tokens; the sessions behind them live in Redis."""

import logging
from collections.abc import Awaitable, Callable

from pydantic import BaseModel, ConfigDict

from app.api.auth.principal import Principal
from app.api.auth.sessions import ClientInfo, RotateOutcome, SessionStore
from app.core.errors import AuthError
from app.core.i18n import MessageKey
from app.core.security.tokens import (
    INVALID_TOKEN_CHALLENGE,
    Realm,
    TokenCodec,
    TokenType,
    new_token_id,
)

logger = logging.getLogger("app.auth")

# Reads an account row: its current role, or a 401/403 when it may no longer sign in.
AccountRole = Callable[[Realm, int], Awaitable[str]]


class RefreshTokenReusedError(AuthError):
    """A spent refresh token came back; its session is now revoked (audit-worthy)."""

    def __init__(self, account_id: int) -> None:
        super().__init__(MessageKey.AUTH_SESSION_ENDED, headers=INVALID_TOKEN_CHALLENGE)
        # Whose session ended, for the audit trail (never the token itself).
        self.account_id = account_id


class TokenPair(BaseModel):
    """What a login or a refresh hands the client."""

    model_config = ConfigDict(frozen=True)

    access_token: str
    refresh_token: str
    token_type: str
    expires_in: int
    refresh_expires_in: int
    sid: str


class TokenService:
    """Token life cycle over a codec (keys, claims) and a session store (revocation)."""

    def __init__(
        self, codec: TokenCodec, sessions: SessionStore, max_sessions: int | None = None
    ) -> None:
        self._codec = codec
        self._sessions = sessions
        # Live sessions per account; past it the oldest end (None: no cap).
        self._max_sessions = max_sessions

    @property
    def sessions(self) -> SessionStore:
        """The session store, for listing and revoking sessions by id."""
        return self._sessions

    def _pair(self, *, realm: Realm, account_id: int, role: str, sid: str, jti: str) -> TokenPair:
        access, access_claims = self._codec.encode(
            account_id=account_id, sid=sid, realm=realm, role=role, token_type=TokenType.ACCESS
        )
        refresh, refresh_claims = self._codec.encode(
            account_id=account_id,
            sid=sid,
            realm=realm,
            role=role,
            token_type=TokenType.REFRESH,
            jti=jti,
            now=access_claims.issued_at,
        )
        return TokenPair(
            access_token=access,
            refresh_token=refresh,
            token_type="bearer",  # noqa: S106 - the OAuth2 token type, not a secret
            expires_in=access_claims.expires_at - access_claims.issued_at,
            refresh_expires_in=refresh_claims.expires_at - refresh_claims.issued_at,
            sid=sid,
        )

    async def issue(
        self,
        realm: Realm,
        account_id: int,
        role: str,
        *,
        generation: int = 0,
        client: ClientInfo | None = None,
    ) -> TokenPair:
        """Open a session under the account's `generation` and return its first token pair."""
        sid, refresh_jti = new_token_id(), new_token_id()
        pair = self._pair(realm=realm, account_id=account_id, role=role, sid=sid, jti=refresh_jti)
        await self._sessions.create(
            sid,
            realm=realm,
            account_id=account_id,
            role=role,
            refresh_jti=refresh_jti,
            generation=generation,
            client=client,
        )
        if self._max_sessions is not None:
            await self._evict_oldest(realm, account_id, self._max_sessions)
        return pair

    async def _evict_oldest(self, realm: Realm, account_id: int, cap: int) -> None:
        """End the account's oldest sessions beyond `cap` (a login per second cannot pile up)."""
        live = await self._sessions.list(realm, account_id)  # oldest first
        for session in live[: max(0, len(live) - cap)]:
            await self._sessions.revoke(session.sid, realm=realm, account_id=account_id)

    async def authenticate(self, access_token: str, realm: Realm) -> Principal:
        """The principal of a valid access token of `realm` whose session is still open."""
        claims = self._codec.decode(access_token, realm=realm, token_type=TokenType.ACCESS)
        if not await self._sessions.is_active(claims.sid, realm, claims.account_id):
            raise AuthError(MessageKey.AUTH_SESSION_ENDED, headers=INVALID_TOKEN_CHALLENGE)
        return Principal(
            realm=claims.realm,
            account_id=claims.account_id,
            role=claims.role,
            sid=claims.sid,
            jti=claims.jti,
        )

    async def refresh(
        self, refresh_token: str, realm: Realm, account_role: AccountRole
    ) -> TokenPair:
        """Spend a refresh token for a new pair; replaying a spent one ends the session.

        `account_role` reads the account row (refusing a gone, banned or inactive account)
        before the rotation; the rotation refuses a session older than the last revocation.
        """
        claims = self._codec.decode(refresh_token, realm=realm, token_type=TokenType.REFRESH)
        # A session that has ended is a 401 whatever became of the account since.
        if not await self._sessions.is_active(claims.sid, realm, claims.account_id):
            raise AuthError(MessageKey.AUTH_SESSION_ENDED, headers=INVALID_TOKEN_CHALLENGE)
        role = await account_role(realm, claims.account_id)
        new_jti = new_token_id()
        rotation = await self._sessions.rotate(
            claims.sid, claims.jti, new_jti, realm=realm, account_id=claims.account_id
        )
        session = rotation.session
        if rotation.outcome is RotateOutcome.REUSED:
            # Ids only: the token itself never goes to a log.
            logger.warning(
                "spent refresh token presented; session revoked realm=%s account_id=%d",
                realm.value,
                claims.account_id,
            )
            raise RefreshTokenReusedError(claims.account_id)
        if rotation.outcome is not RotateOutcome.ROTATED or session is None:
            raise AuthError(MessageKey.AUTH_SESSION_ENDED, headers=INVALID_TOKEN_CHALLENGE)
        # The row's role, not the token's: a role changed since login applies now.
        return self._pair(
            realm=realm,
            account_id=claims.account_id,
            role=role,
            sid=claims.sid,
            jti=new_jti,
        )

    async def logout(self, principal: Principal) -> None:
        """End the caller's session: its access and refresh tokens stop on the next request."""
        await self._sessions.revoke(
            principal.sid, realm=principal.realm, account_id=principal.account_id
        )

    async def logout_all(self, realm: Realm, account_id: int, *, keep: str | None = None) -> int:
        """End every session of an account (all but `keep`) and bump its generation.

        Logout-all, ban and password change call it, the latter two after their commit.
        """
        return await self._sessions.revoke_all(realm, account_id, keep=keep)
