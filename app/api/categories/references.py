"""Rows of other domains that name a category by its slug, checked before the slug goes.

The domain holding such rows registers its check here (`refers_to_categories`), so the
categories domain never imports it and a project without that domain has nothing to edit.
"""

from collections.abc import Awaitable, Callable

from app.core.errors import ConflictError
from app.core.i18n import MessageKey
from app.database.backends import Backends

# True while the domain holds active rows naming the category with this slug.
CategoryReference = Callable[[Backends, str], Awaitable[bool]]

_REFERENCES: list[CategoryReference] = []


def refers_to_categories(check: CategoryReference) -> CategoryReference:
    """Register `check`: a category it reports in use keeps its slug and cannot be deleted."""
    _REFERENCES.append(check)
    return check


async def refuse_if_referenced(backends: Backends, slug: str) -> None:
    """`ConflictError` (409) while any registered domain still refers to the category."""
    for check in _REFERENCES:
        if await check(backends, slug):
            raise ConflictError(MessageKey.CATEGORY_IN_USE)
