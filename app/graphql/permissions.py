"""Strawberry permissions over the declared access policies: the REST gate, the same errors.

Each protected field carries `permission(policy)`; it calls the same `Gate.admit` as the
REST dependency and raises the app's `AuthError`/`ForbiddenError` itself (rather than
returning False), so the entry in `errors[]` carries the error_type REST would send.
"""

from functools import cache
from typing import Any, ClassVar

from strawberry import Info
from strawberry.permission import BasePermission

from app.api.auth.access import Policy
from app.graphql.context import GraphQLContext


class PolicyPermission(BasePermission):
    """Admits the caller only as its field's policy allows."""

    policy: ClassVar[Policy]

    async def has_permission(
        self, source: Any, info: Info[GraphQLContext, None], **kwargs: Any
    ) -> bool:
        """Check the caller against the policy, exactly as REST's dependency does."""
        await info.context.admit(self.policy)
        return True


@cache
def permission(policy: Policy) -> type[PolicyPermission]:
    """The permission class enforcing `policy` (one class per policy)."""
    name = f"Requires_{policy.describe().replace(' ', '_').replace(',', '')}"
    return type(name, (PolicyPermission,), {"policy": policy})
