"""Category fields: `categories`, `category` and the administrators' `createCategory`."""

from datetime import datetime
from typing import Annotated

import strawberry
from pydantic import TypeAdapter
from strawberry import Info

from app.api.auth.access import ADMIN
from app.api.categories import service
from app.api.categories.schema import CategoryCreate, CategoryOut, Slug
from app.graphql.context import GraphQLContext
from app.graphql.inputs import PageInput, page_query, validated, validated_value
from app.graphql.permissions import permission
from app.graphql.types import copied


@strawberry.type(name="Category")
class CategoryType:
    """A category, the fields of REST's `CategoryOut`."""

    slug: str
    name: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, category: CategoryOut) -> "CategoryType":
        """The GraphQL view of the category the service returned."""
        return copied(cls, category)


@strawberry.type(name="CategoryPage")
class CategoryPage:
    """One page of categories in slug order, out of `total`."""

    items: list[CategoryType]
    total: int
    offset: int
    limit: int


@strawberry.input(description="A new category, as REST's `POST /categories` body.")
class CategoryCreateInput:
    """The fields of REST's `CategoryCreate`."""

    slug: str
    name: str


# A path parameter on REST: an impossible slug is a 422 there, so it is one here too.
SLUG = TypeAdapter[str](Slug)


async def resolve_categories(
    info: Info[GraphQLContext, None], page: PageInput | None = None
) -> CategoryPage:
    """Categories in slug order, a page at a time."""
    query = page_query(page)
    async with info.context.postgres_session() as session:
        listing = await service.list_categories(session, query)
    return CategoryPage(
        items=[CategoryType.of(item) for item in listing.items],
        total=listing.total,
        offset=listing.offset,
        limit=listing.limit,
    )


async def resolve_category(info: Info[GraphQLContext, None], slug: str) -> CategoryType:
    """The category with this slug; NOT_FOUND if there is none."""
    valid = validated_value(SLUG, slug, "path", "slug")
    async with info.context.postgres_session() as session:
        return CategoryType.of(await service.get_category(session, valid))


async def resolve_create_category(
    info: Info[GraphQLContext, None],
    data: Annotated[CategoryCreateInput, strawberry.argument(name="input")],
) -> CategoryType:
    """Add a category (administrators); CONFLICT if the slug is taken."""
    admin = await info.context.admit(ADMIN)
    model = validated(CategoryCreate, vars(data), "body")
    async with info.context.postgres_session() as session:
        return CategoryType.of(await service.create_category(session, admin, model))


@strawberry.type
class CategoryQuery:
    """Public reads of the catalogue's categories."""

    categories: CategoryPage = strawberry.field(
        resolver=resolve_categories, description="Categories in slug order, a page at a time."
    )
    category: CategoryType = strawberry.field(
        resolver=resolve_category, description="One category by slug."
    )


@strawberry.type
class CategoryMutation:
    """Changes to categories (administrators only)."""

    create_category: CategoryType = strawberry.field(
        resolver=resolve_create_category,
        permission_classes=[permission(ADMIN)],
        description="Add a category (an admin with the admin role); CONFLICT if the slug is taken.",
    )
