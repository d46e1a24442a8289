"""`/products`: public reads; writes by signed-in users (create) and owners or admins."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status

from app.api.pagination import PageOut
from app.api.products import service
from app.api.products.routing import ExactNumberRoute
from app.api.products.schema import (
    PRICE_RANGE,
    ProductCreate,
    ProductId,
    ProductListQuery,
    ProductOut,
    ProductUpdate,
)
from app.core.caching import PUBLIC_CATALOG, public_cache
from app.core.conditional import if_match, tag_response
from app.core.envelope import Envelope, created, error_responses, success
from app.core.errors import ErrorType
from app.core.openapi_rules import ORDERED_PARAMETERS_KEY
from app.depends import (
    CurrentActor,
    CurrentUserPrincipal,
    Lang,
    MongoDB,
    PostgresSession,
    UserIdempotency,
)

router = APIRouter(prefix="/products", tags=["products"], route_class=ExactNumberRoute)

ProductIdPath = Annotated[ProductId, Path()]
OWNER_WRITE_ERRORS = (
    ErrorType.UNAUTHORIZED,
    ErrorType.FORBIDDEN,
    ErrorType.NOT_FOUND,
    ErrorType.PRECONDITION_FAILED,
    ErrorType.SERVICE_UNAVAILABLE,
)


@router.get(
    "",
    responses=error_responses(ErrorType.SERVICE_UNAVAILABLE),
    openapi_extra={ORDERED_PARAMETERS_KEY: [list(PRICE_RANGE)]},
)
async def list_products(
    query: Annotated[ProductListQuery, Query()], db: MongoDB, lang: Lang, response: Response
) -> Envelope[PageOut[ProductOut]]:
    """List active products: filter, sort (`price`, `-price`, `name`, ...), page, total.

    `min_price` must not exceed `max_price` when both are given (a 422 otherwise).
    """
    page = await service.list_products(db, query)
    public_cache(response)
    return success(page, lang)


@router.get(
    "/{product_id}", responses=error_responses(ErrorType.NOT_FOUND, ErrorType.SERVICE_UNAVAILABLE)
)
async def get_product(
    product_id: ProductIdPath, db: MongoDB, lang: Lang, request: Request, response: Response
) -> Envelope[ProductOut]:
    """Show one active product with its `ETag`; 404 if it does not exist or was deleted."""
    product = await service.get_product(db, product_id)
    tag_response(request, response, product, PUBLIC_CATALOG)
    return success(product, lang)


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
    idempotency: UserIdempotency,
    db: MongoDB,
    lang: Lang,
    request: Request,
    response: Response,
) -> Envelope[ProductOut]:
    """Offer a product as the signed-in user; 422 if its category is unknown; 201 + `Location`."""
    product = await service.create_product(session, db, user, data)
    location = request.url_for("get_product", product_id=product.id)
    return created(product, lang, response, str(location.path))


@router.patch("/{product_id}", responses=error_responses(*OWNER_WRITE_ERRORS, ErrorType.CONFLICT))
async def update_product(
    product_id: ProductIdPath,
    data: ProductUpdate,
    actor: CurrentActor,
    session: PostgresSession,
    db: MongoDB,
    lang: Lang,
    request: Request,
) -> Envelope[ProductOut]:
    """Change a product (owner or administrator; 403 for anyone else, 412 on a stale If-Match)."""
    product = await service.update_product(
        session, db, actor, product_id, data, expected=if_match(request)
    )
    return success(product, lang)


@router.delete("/{product_id}", responses=error_responses(*OWNER_WRITE_ERRORS))
async def delete_product(
    product_id: ProductIdPath, actor: CurrentActor, db: MongoDB, lang: Lang, request: Request
) -> Envelope[None]:
    """Soft-delete a product (owner or administrator; 403 for others, 412 on a stale If-Match)."""
    await service.delete_product(db, actor, product_id, expected=if_match(request))
    return success(None, lang)
