"""`/products`: public reads; writes by signed-in users (create) and owners or admins."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from app.api.pagination import PageOut
from app.api.products import service
from app.api.products.routing import ExactNumberRoute
from app.api.products.schema import (
    ProductCreate,
    ProductId,
    ProductListQuery,
    ProductOut,
    ProductUpdate,
)
from app.core.envelope import Envelope, error_responses, success
from app.core.errors import ErrorType
from app.depends import CurrentActor, CurrentUserPrincipal, Lang, MongoDB, PostgresSession

router = APIRouter(prefix="/products", tags=["products"], route_class=ExactNumberRoute)

ProductIdPath = Annotated[ProductId, Path()]
OWNER_WRITE_ERRORS = (
    ErrorType.UNAUTHORIZED,
    ErrorType.FORBIDDEN,
    ErrorType.NOT_FOUND,
    ErrorType.SERVICE_UNAVAILABLE,
)


@router.get("", responses=error_responses(ErrorType.SERVICE_UNAVAILABLE))
async def list_products(
    query: Annotated[ProductListQuery, Query()], db: MongoDB, lang: Lang
) -> Envelope[PageOut[ProductOut]]:
    """List active products: filter, sort (`price`, `-price`, `name`, ...), page, total."""
    return success(await service.list_products(db, query), lang)


@router.get(
    "/{product_id}", responses=error_responses(ErrorType.NOT_FOUND, ErrorType.SERVICE_UNAVAILABLE)
)
async def get_product(product_id: ProductIdPath, db: MongoDB, lang: Lang) -> Envelope[ProductOut]:
    """Show one active product; 404 if it does not exist or was deleted."""
    return success(await service.get_product(db, product_id), lang)


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
async def create_product(
    data: ProductCreate,
    user: CurrentUserPrincipal,
    session: PostgresSession,
    db: MongoDB,
    lang: Lang,
) -> Envelope[ProductOut]:
    """Offer a product as the signed-in user; 422 if its category does not exist."""
    product = await service.create_product(session, db, user, data)
    return success(product, lang, ErrorType.RESOURCE_CREATED)


@router.patch("/{product_id}", responses=error_responses(*OWNER_WRITE_ERRORS, ErrorType.CONFLICT))
async def update_product(
    product_id: ProductIdPath,
    data: ProductUpdate,
    actor: CurrentActor,
    session: PostgresSession,
    db: MongoDB,
    lang: Lang,
) -> Envelope[ProductOut]:
    """Change a product (its owner or an administrator; 403 for anyone else)."""
    return success(await service.update_product(session, db, actor, product_id, data), lang)


@router.delete("/{product_id}", responses=error_responses(*OWNER_WRITE_ERRORS))
async def delete_product(
    product_id: ProductIdPath, actor: CurrentActor, db: MongoDB, lang: Lang
) -> Envelope[None]:
    """Soft-delete a product (its owner or an administrator; 403 for anyone else)."""
    await service.delete_product(db, actor, product_id)
    return success(None, lang)
