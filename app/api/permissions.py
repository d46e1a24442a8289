"""Who may do what: the checks every service makes on the principal it is given.

Services take the principal (or None for an anonymous caller) so that REST and GraphQL
enforce the same rules, whatever their transport already checked.
"""

from app.api.auth.principal import Principal
from app.core.errors import AuthError, ForbiddenError
from app.core.i18n import MessageKey
from app.core.security.tokens import Realm


def require_principal(principal: Principal | None) -> Principal:
    """The caller, or `AuthError` (401) when nobody is signed in."""
    if principal is None:
        raise AuthError(MessageKey.AUTH_TOKEN_MISSING)
    return principal


def require_admin(principal: Principal | None) -> Principal:
    """An admin-realm caller; 401 when anonymous, 403 for a user."""
    caller = require_principal(principal)
    if caller.realm is not Realm.ADMIN:
        raise ForbiddenError(MessageKey.ADMIN_REQUIRED)
    return caller


def require_user(principal: Principal | None) -> Principal:
    """A user-realm caller (an account that can own things); 401 when anonymous, else 403."""
    caller = require_principal(principal)
    if caller.realm is not Realm.USER:
        raise ForbiddenError(MessageKey.USER_REQUIRED)
    return caller


def is_owner_or_admin(principal: Principal, owner_id: int) -> bool:
    """Whether the caller is any administrator, or the user whose id is `owner_id`."""
    if principal.realm is Realm.ADMIN:
        return True
    return principal.realm is Realm.USER and principal.account_id == owner_id
