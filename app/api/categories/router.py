"""`/categories`: public reads, administrator writes (the rules live in the service)."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status

from app.api.categories import service
from app.api.categories.schema import CategoryCreate, CategoryOut, CategoryUpdate, Slug
from app.api.pagination import PageOut, PageQuery
from app.core.caching import PUBLIC_CATALOG, public_cache
from app.core.conditional import if_match, tag_response
from app.core.envelope import Envelope, created, error_responses, success
from app.core.errors import ErrorType
from app.core.routing import EnvelopeRoute
from app.depends import (
    AdminIdempotency,
    AdminRolePrincipal,
    AppBackends,
    Lang,
    PostgresSession,
)

router = APIRouter(prefix="/categories", tags=["categories"], route_class=EnvelopeRoute)

SlugPath = Annotated[Slug, Path()]
ADMIN_WRITE_ERRORS = (
    ErrorType.UNAUTHORIZED,
    ErrorType.FORBIDDEN,
    ErrorType.NOT_FOUND,
    ErrorType.CONFLICT,
    ErrorType.PRECONDITION_FAILED,
    ErrorType.SERVICE_UNAVAILABLE,
)


@router.get("", responses=error_responses(ErrorType.SERVICE_UNAVAILABLE))
async def list_categories(
    query: Annotated[PageQuery, Query()], session: PostgresSession, lang: Lang, response: Response
) -> Envelope[PageOut[CategoryOut]]:
    """List categories in slug order, a page at a time, with the total count."""
    page = await service.list_categories(session, query)
    public_cache(response)
    return success(page, lang)


@router.get(
    "/{slug}", responses=error_responses(ErrorType.NOT_FOUND, ErrorType.SERVICE_UNAVAILABLE)
)
async def get_category(
    slug: SlugPath, session: PostgresSession, lang: Lang, request: Request, response: Response
) -> Envelope[CategoryOut]:
    """Show one category, with its `ETag` (`If-None-Match` answers 304 when unchanged)."""
    category = await service.get_category(session, slug)
    tag_response(request, response, category, PUBLIC_CATALOG)
    return success(category, lang)


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
    data: CategoryCreate,
    admin: AdminRolePrincipal,
    session: PostgresSession,
    idempotency: AdminIdempotency,
    lang: Lang,
    request: Request,
    response: Response,
) -> Envelope[CategoryOut]:
    """Create a category (administrators); 409 if the slug is taken. `Location` names it."""
    category = await service.create_category(session, admin, data)
    location = request.url_for("get_category", slug=category.slug)
    return created(category, lang, response, str(location.path))


@router.patch("/{slug}", responses=error_responses(*ADMIN_WRITE_ERRORS))
async def update_category(
    slug: SlugPath,
    data: CategoryUpdate,
    admin: AdminRolePrincipal,
    session: PostgresSession,
    backends: AppBackends,
    lang: Lang,
    request: Request,
) -> Envelope[CategoryOut]:
    """Rename or re-slug a category (administrators); 409 in use, 412 if `If-Match` is stale."""
    expected = if_match(request)
    category = await service.update_category(
        session, backends, admin, slug, data, expected=expected
    )
    return success(category, lang)


@router.delete("/{slug}", responses=error_responses(*ADMIN_WRITE_ERRORS))
async def delete_category(
    slug: SlugPath,
    admin: AdminRolePrincipal,
    session: PostgresSession,
    backends: AppBackends,
    lang: Lang,
    request: Request,
) -> Envelope[None]:
    """Delete a category (administrators); 409 while in use, 412 if `If-Match` is stale."""
    await service.delete_category(session, backends, admin, slug, expected=if_match(request))
    return success(None, lang)
