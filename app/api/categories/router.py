"""`/categories`: public reads, administrator writes (the rules live in the service)."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from app.api.categories import service
from app.api.categories.schema import CategoryCreate, CategoryOut, CategoryUpdate, Slug
from app.api.pagination import PageOut, PageQuery
from app.core.envelope import Envelope, error_responses, success
from app.core.errors import ErrorType
from app.core.routing import EnvelopeRoute
from app.depends import AdminRolePrincipal, Lang, MongoDB, PostgresSession

router = APIRouter(prefix="/categories", tags=["categories"], route_class=EnvelopeRoute)

SlugPath = Annotated[Slug, Path()]
ADMIN_WRITE_ERRORS = (
    ErrorType.UNAUTHORIZED,
    ErrorType.FORBIDDEN,
    ErrorType.NOT_FOUND,
    ErrorType.CONFLICT,
    ErrorType.SERVICE_UNAVAILABLE,
)


@router.get("", responses=error_responses(ErrorType.SERVICE_UNAVAILABLE))
async def list_categories(
    query: Annotated[PageQuery, Query()], session: PostgresSession, lang: Lang
) -> Envelope[PageOut[CategoryOut]]:
    """List categories in slug order, a page at a time, with the total count."""
    return success(await service.list_categories(session, query), lang)


@router.get(
    "/{slug}", responses=error_responses(ErrorType.NOT_FOUND, ErrorType.SERVICE_UNAVAILABLE)
)
async def get_category(
    slug: SlugPath, session: PostgresSession, lang: Lang
) -> Envelope[CategoryOut]:
    """Show one category."""
    return success(await service.get_category(session, slug), lang)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(
        ErrorType.UNAUTHORIZED,
        ErrorType.FORBIDDEN,
        ErrorType.CONFLICT,
        ErrorType.SERVICE_UNAVAILABLE,
    ),
)
async def create_category(
    data: CategoryCreate, admin: AdminRolePrincipal, session: PostgresSession, lang: Lang
) -> Envelope[CategoryOut]:
    """Create a category (administrators); 409 if the slug is taken."""
    category = await service.create_category(session, admin, data)
    return success(category, lang, ErrorType.RESOURCE_CREATED)


@router.patch("/{slug}", responses=error_responses(*ADMIN_WRITE_ERRORS))
async def update_category(
    slug: SlugPath,
    data: CategoryUpdate,
    admin: AdminRolePrincipal,
    session: PostgresSession,
    db: MongoDB,
    lang: Lang,
) -> Envelope[CategoryOut]:
    """Rename or re-slug a category (administrators); 409 to re-slug one that is in use."""
    return success(await service.update_category(session, db, admin, slug, data), lang)


@router.delete("/{slug}", responses=error_responses(*ADMIN_WRITE_ERRORS))
async def delete_category(
    slug: SlugPath,
    admin: AdminRolePrincipal,
    session: PostgresSession,
    db: MongoDB,
    lang: Lang,
) -> Envelope[None]:
    """Delete a category (administrators); 409 while active products use it."""
    await service.delete_category(session, db, admin, slug)
    return success(None, lang)
