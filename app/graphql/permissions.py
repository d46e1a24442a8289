"""Strawberry permission classes with the REST rules: same realms, same roles, same errors.

They raise the app's `AuthError`/`ForbiddenError` themselves (rather than returning False)
so the entry in `errors[]` carries the same `error_type` and message REST would send.
"""

from typing import Any, ClassVar

from strawberry import Info
from strawberry.permission import BasePermission

from app.core.errors import ForbiddenError
from app.core.i18n import MessageKey
from app.core.security.tokens import Realm
from app.graphql.context import GraphQLContext


class _RealmPermission(BasePermission):
    """Admits a caller with a valid access token of `realm` (and one of `roles`, if any)."""

    realm: ClassVar[Realm]
    # Empty: any role of the realm, like `CurrentUserPrincipal`/`CurrentAdminPrincipal`.
    roles: ClassVar[frozenset[str]] = frozenset()

    async def has_permission(
        self, source: Any, info: Info[GraphQLContext, None], **kwargs: Any
    ) -> bool:
        """Authenticate as REST does, then apply `require_role`'s rule."""
        principal = await info.context.require_principal(self.realm)
        if self.roles and principal.role not in self.roles:
            raise ForbiddenError(MessageKey.AUTH_ROLE_FORBIDDEN)
        return True


class IsUser(_RealmPermission):
    """A signed-in user (user-realm token, live session)."""

    realm = Realm.USER


class IsAdmin(_RealmPermission):
    """A signed-in admin (admin-realm token, live session)."""

    realm = Realm.ADMIN


def admin_with_role(*roles: str) -> type[BasePermission]:
    """A permission admitting admins whose role is one of `roles` (else FORBIDDEN, 403)."""
    return type(f"AdminWithRole_{'_'.join(roles)}", (IsAdmin,), {"roles": frozenset(roles)})
