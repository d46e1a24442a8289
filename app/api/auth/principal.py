"""Who is calling: the verified identity every protected route receives."""

from dataclasses import dataclass

from app.core.security.tokens import Realm


@dataclass(frozen=True)
class Principal:
    """An authenticated caller: realm and account id name the account, `sid` the session."""

    realm: Realm
    account_id: int
    role: str
    sid: str
    jti: str
