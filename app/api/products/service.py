"""Product rules, shared by REST and GraphQL: listing, ownership, and the category check.

A product names its category by slug; the category lives in PostgreSQL. Creating a product
(or moving one) reads that category FOR SHARE, so a concurrent delete of the category waits
for this request to commit and then counts the product: products register that count
with the categories domain (`refers_to_categories`), which asks before a slug goes.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import JsonValue
from pymongo.asynchronous.database import AsyncDatabase
from sqlalchemy.ext.asyncio import AsyncSession

from app.api.auth.principal import Principal
from app.api.categories.references import refers_to_categories
from app.api.categories.repository import CategoryRepository, RowLock
from app.api.pagination import PageOut, page_out
from app.api.permissions import is_owner_or_admin, require_principal, require_user
from app.api.products.repository import ProductRepository
from app.api.products.schema import ProductCreate, ProductListQuery, ProductOut, ProductUpdate
from app.core.conditional import check_if_match
from app.core.envelope import ValidationIssue
from app.core.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from app.core.i18n import MessageKey
from app.database.backends import Backends
from app.models.mongo.products import object_id

MongoDatabase = AsyncDatabase[dict[str, Any]]


@refers_to_categories
async def category_in_use(backends: Backends, slug: str) -> bool:
    """Whether any active product names the category `slug`."""
    return await ProductRepository(backends.mongo.db).count_active_by_category(slug) > 0


async def list_products(db: MongoDatabase, query: ProductListQuery) -> PageOut[ProductOut]:
    """Active products matching every filter in `query`, one page, with the total count."""
    page = await ProductRepository(db).list(
        category_slug=query.category,
        owner_id=query.owner_id,
        tag=query.tag,
        name_contains=query.search,
        min_price=query.min_price,
        max_price=query.max_price,
        sort=query.sort,
        offset=query.offset,
        limit=query.limit,
    )
    return page_out(page, ProductOut.model_validate)


async def get_product(db: MongoDatabase, product_id: str) -> ProductOut:
    """The active product with this id; 422 for a malformed id, else `NotFoundError`."""
    _require_object_id(product_id)
    return ProductOut.model_validate(await ProductRepository(db).get(product_id))


async def create_product(
    session: AsyncSession, db: MongoDatabase, principal: Principal | None, data: ProductCreate
) -> ProductOut:
    """Add a product owned by the signed-in user; its category must exist (else 422)."""
    owner = require_user(principal)
    await _require_category(session, data.category)
    product = await ProductRepository(db).create(data, owner_id=owner.account_id)
    return ProductOut.model_validate(product)


async def update_product(
    session: AsyncSession,
    db: MongoDatabase,
    principal: Principal | None,
    product_id: str,
    data: ProductUpdate,
    expected: Sequence[str] | None = None,
) -> ProductOut:
    """Change a product (its owner or an administrator); a new category must exist.

    `expected`: entity tags the caller last read (`If-Match`); the product must still have
    one when it is written, else `PreconditionFailedError`.
    """
    products, since = await _modifiable(db, principal, product_id, expected)
    if data.category is not None:
        await _require_category(session, data.category)
    product = await products.update(product_id, data, unchanged_since=since)
    return ProductOut.model_validate(product)


async def delete_product(
    db: MongoDatabase,
    principal: Principal | None,
    product_id: str,
    expected: Sequence[str] | None = None,
) -> None:
    """Soft-delete a product (its owner or an administrator): it is kept, but inactive."""
    products, since = await _modifiable(db, principal, product_id, expected)
    await products.soft_delete(product_id, unchanged_since=since)


async def _modifiable(
    db: MongoDatabase,
    principal: Principal | None,
    product_id: str,
    expected: Sequence[str] | None,
) -> tuple[ProductRepository, datetime | None]:
    # With `If-Match`, the version read here is the one the write must still find.
    caller = require_principal(principal)
    _require_object_id(product_id)
    products = ProductRepository(db)
    product = await products.get(product_id)
    if not is_owner_or_admin(caller, product.owner_id):
        raise ForbiddenError(MessageKey.PRODUCT_FORBIDDEN)
    if expected is None:
        return products, None
    check_if_match(expected, ProductOut.model_validate(product))
    return products, product.updated_at


def _require_object_id(product_id: str) -> None:
    # Routes validate the path already; this keeps the rule for callers that do not.
    if object_id(product_id) is None:
        raise ValidationError(
            data=[_issue(["path", "product_id"], "Not a product id", "object_id")]
        )


async def _require_category(session: AsyncSession, slug: str) -> None:
    try:
        await CategoryRepository(session).get_by_slug(slug, lock=RowLock.SHARE)
    except NotFoundError:
        # A 409 naming the field: the request is well formed (the OpenAPI document calls it
        # valid) but refers to a category the database does not hold, a state conflict.
        raise ConflictError(
            MessageKey.CATEGORY_UNKNOWN,
            data=[_issue(["body", "category"], "No category has this slug", "category_unknown")],
        ) from None


def _issue(loc: list[str | int], msg: str, type_: str) -> JsonValue:
    # The shape every validation problem is sent in, pydantic's included.
    return ValidationIssue(loc=loc, msg=msg, type=type_).model_dump()
