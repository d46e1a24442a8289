"""The access model: a small in-test account of who holds what, and what each call must answer.

`tests/behaviour/test_access_model.py` drives the app through REST and GraphQL with a
hypothesis state machine; after every call it compares the answer with `expected`, which
knows only accounts, sessions and roles: nothing about how the app enforces them.
"""

from dataclasses import dataclass, field
from enum import Enum

from app.core.security.tokens import Realm

ADMIN_ROLE = "admin"
# A second admin role that holds no write rights: "an admin whose role is not `admin`".
VIEWER_ROLE = "viewer"
USER_ROLE = "user"


@dataclass(eq=False)
class AccountM:
    """One account as the model sees it."""

    realm: Realm
    id: int
    username: str
    password: str
    role: str
    active: bool = True
    banned: bool = False
    deleted: bool = False


@dataclass(eq=False)
class SessionM:
    """One signed-in session; `alive` until a logout, revocation, ban or password change."""

    account: AccountM
    sid: str
    access: str
    refresh: str
    alive: bool = True

    @property
    def headers(self) -> dict[str, str]:
        """`Authorization` for this session's current access token."""
        return {"Authorization": f"Bearer {self.access}"}


@dataclass(eq=False)
class ProductM:
    """A product and its owner."""

    id: str
    owner_id: int
    deleted: bool = False


class Who(Enum):
    """Who an operation admits (mirrors the app's declared policies, written out again here)."""

    USER = "user"
    ADMIN = "admin"  # an admin-realm account with the `admin` role
    ANY_ADMIN = "any-admin"  # an admin-realm account, any role
    ACTOR = "actor"  # a user, or an admin with the `admin` role


@dataclass
class World:
    """Every account, session and product the state machine made in this example."""

    accounts: list[AccountM] = field(default_factory=list)
    sessions: list[SessionM] = field(default_factory=list)
    products: list[ProductM] = field(default_factory=list)
    categories: set[str] = field(default_factory=set)

    def cap_sessions(self, account: AccountM, cap: int) -> None:
        """Past `cap` live sessions, the account's oldest end (sessions are in login order)."""
        live = [s for s in self.sessions if s.account is account and s.alive]
        for session in live[: max(0, len(live) - cap)]:
            session.alive = False

    def end_sessions(self, account: AccountM, *, keep: SessionM | None = None) -> None:
        """Every session of `account` (but `keep`) ends."""
        for session in self.sessions:
            if session.account is account and session is not keep:
                session.alive = False


def account_refusal(account: AccountM) -> int | None:
    """What the account's state alone makes of a request: 401 gone, 403 barred, else None."""
    if account.deleted:
        return 401
    if account.banned or not account.active:
        return 403
    return None


def expected(session: SessionM | None, who: Who) -> int:
    """The status a call made with `session` (None: no token) must get from a `who` route."""
    if session is None or not session.alive:
        return 401
    account = session.account
    refusal = account_refusal(account)
    if refusal is not None:
        return refusal
    if who is Who.USER:
        return 200 if account.realm is Realm.USER else 403
    if account.realm is not Realm.ADMIN:
        return 200 if who is Who.ACTOR else 403
    if who is Who.ANY_ADMIN:
        return 200
    return 200 if account.role == ADMIN_ROLE else 403
