"""Product fields: the public listing and lookup, and the owners' (or admins') changes.

A product's `category` comes from PostgreSQL while the product comes from MongoDB: the
categories of every product in a response are read by one DataLoader, in one query. The
module follows the pattern described in `app/graphql/categories.py`.
"""

from datetime import datetime
from typing import Annotated

import strawberry
from pydantic import TypeAdapter
from strawberry import Info
from strawberry.dataloader import DataLoader

from app.api.auth.access import OWNER_OR_ADMIN, USER
from app.api.categories import service as categories_service
from app.api.categories.schema import CategoryOut
from app.api.products import service
from app.api.products.prices import format_price
from app.api.products.schema import (
    ProductCreate,
    ProductId,
    ProductListQuery,
    ProductOut,
    ProductUpdate,
)
from app.graphql.categories import CategoryType
from app.graphql.context import GraphQLContext
from app.graphql.fields import RootFields, root_field
from app.graphql.inputs import (
    PageInput,
    every_field_optional,
    page_values,
    validated,
    validated_value,
)
from app.graphql.types import Page, copied
from app.models.mongo.products import ProductSortKey

# REST's sort keys are the schema's `ProductSort` enum, by name: `PRICE_DESC` is `-price`.
strawberry.enum(ProductSortKey, name="ProductSort")
# A path parameter on REST: a malformed id is refused there before any lookup; here too.
PRODUCT_ID = TypeAdapter[str](ProductId)


def category_loader(context: GraphQLContext) -> DataLoader[str, CategoryOut | None]:
    """Categories by slug for one request: every `load` of a tick becomes one query."""

    async def load(slugs: list[str]) -> list[CategoryOut | None]:
        async with context.postgres_session() as session:
            return await categories_service.categories_by_slugs(session, slugs)

    return DataLoader(load_fn=load)


async def resolve_product_category(
    root: "ProductType", info: Info[GraphQLContext, None]
) -> CategoryType | None:
    """The product's category, batched with every other product's in the response."""
    category = await info.context.loader(category_loader).load(root.category_slug)
    return None if category is None else CategoryType.from_pydantic(category)


# Hand-written: derived from `ProductOut`, `price` would be a Decimal and `categorySlug`
# (REST's `category`, a name the resolved category takes here) would move to the front.
@strawberry.type(name="Product")
class ProductType:
    """A product, the fields of REST's `ProductOut` plus its category resolved."""

    id: strawberry.ID
    name: str
    description: str
    price: str = strawberry.field(
        description='An exact decimal as text with two places, such as "0.30" (never a float).'
    )
    category_slug: str = strawberry.field(description="The slug REST sends as `category`.")
    owner_id: int
    tags: list[str]
    created_at: datetime
    updated_at: datetime
    # Nullable: the category lives in another database, with no foreign key to promise it.
    category: CategoryType | None = strawberry.field(resolver=resolve_product_category)

    @classmethod
    def of(cls, product: ProductOut) -> "ProductType":
        """The GraphQL view of the product the service returned."""
        return copied(
            cls,
            product,
            id=strawberry.ID(product.id),
            price=format_price(product.price),
            category_slug=product.category,
        )


@strawberry.input(description="Listing filters, as REST's `GET /products` query parameters.")
class ProductFilter:
    """Every filter given must match; prices are decimal strings."""

    category: str | None = strawberry.UNSET
    search: str | None = strawberry.UNSET
    tag: str | None = strawberry.UNSET
    owner_id: int | None = strawberry.UNSET
    min_price: str | None = strawberry.UNSET
    max_price: str | None = strawberry.UNSET
    sort: ProductSortKey = ProductSortKey.NEWEST


# Hand-written inputs: derived from the pydantic models they would change the schema (prices
# as Decimal, `= null` defaults on optional fields, descriptions on some fields).
@strawberry.input(description="A new product, as REST's `POST /products` body.")
class ProductCreateInput:
    """The fields of REST's `ProductCreate`; `price` is a decimal string such as "12.30"."""

    name: str
    description: str | None = strawberry.UNSET
    price: str
    category: str
    tags: list[str] | None = strawberry.UNSET


@strawberry.input(description="Fields to change, as REST's `PATCH /products/{id}` body.")
@every_field_optional(ProductCreateInput)
class ProductUpdateInput:
    """The fields of REST's `ProductUpdate`; an omitted (or null) field keeps its value."""


async def resolve_products(
    info: Info[GraphQLContext, None],
    where: Annotated[ProductFilter | None, strawberry.argument(name="filter")] = None,
    page: PageInput | None = None,
) -> Page[ProductType]:
    """Active products: filter, sort, page, total."""
    filters = {} if where is None else vars(where)
    query = validated(ProductListQuery, {**filters, **page_values(page)}, "query")
    listing = await service.list_products(info.context.mongo, query)
    return Page.of(listing, ProductType.of)


async def resolve_product(info: Info[GraphQLContext, None], id: strawberry.ID) -> ProductType:
    """One active product by id."""
    # NOT_FOUND if it does not exist or was deleted.
    product_id = validated_value(PRODUCT_ID, id, "path", "product_id")
    return ProductType.of(await service.get_product(info.context.mongo, product_id))


async def resolve_create_product(
    info: Info[GraphQLContext, None],
    data: Annotated[ProductCreateInput, strawberry.argument(name="input")],
) -> ProductType:
    """Offer a product (a user-realm token)."""
    # VALIDATION_ERROR if its category is unknown.
    owner = await info.context.admit(USER)
    model = validated(ProductCreate, vars(data), "body")
    context = info.context
    async with context.postgres_session() as session:
        created = await service.create_product(session, context.mongo, owner, model)
    return ProductType.of(created)


async def resolve_update_product(
    info: Info[GraphQLContext, None],
    id: strawberry.ID,
    data: Annotated[ProductUpdateInput, strawberry.argument(name="input")],
) -> ProductType:
    """Change a product (its owner's token, or any admin's)."""
    # FORBIDDEN for anyone else.
    context = info.context
    actor = await context.admit(OWNER_OR_ADMIN)
    product_id = validated_value(PRODUCT_ID, id, "path", "product_id")
    model = validated(ProductUpdate, vars(data), "body")
    async with context.postgres_session() as session:
        updated = await service.update_product(session, context.mongo, actor, product_id, model)
    return ProductType.of(updated)


async def resolve_delete_product(
    info: Info[GraphQLContext, None],
    id: strawberry.ID,
) -> bool:
    """Soft-delete a product (its owner's token, or any admin's)."""
    # True once done.
    actor = await info.context.admit(OWNER_OR_ADMIN)
    product_id = validated_value(PRODUCT_ID, id, "path", "product_id")
    await service.delete_product(info.context.mongo, actor, product_id)
    return True


PRODUCT_FIELDS = RootFields(
    queries=(root_field(resolve_products), root_field(resolve_product)),
    mutations=(
        root_field(resolve_create_product, USER),
        root_field(resolve_update_product, OWNER_OR_ADMIN),
        root_field(resolve_delete_product, OWNER_OR_ADMIN),
    ),
)
