"""Category fields: `categories`, `category` and the administrators' `createCategory`.

The pattern every domain module follows (a new resource's module copies it):
- object types derived from REST's output models (`strawberry.experimental.pydantic.type`),
  so both transports show the same fields; hand-written only where deriving would change
  the schema (each such type says why);
- inputs hand-written, turned into REST's request models by `validated` (same 422s);
- listings return the shared `Page[ItemType]` (named `<Item>Page` in the schema);
- resolvers call the REST service, taking the SQL session with its lock
  (`info.context.postgres_session()`); each is named `resolve_<field>` and its docstring is
  the field's description in the schema;
- one `RootFields` of the module's queries and mutations, each `root_field(resolver,
  policy)` (no policy: public), listed in `DOMAINS` in `app/graphql/schema.py`.
"""

from typing import Annotated

import strawberry
from pydantic import TypeAdapter
from strawberry import Info

from app.api.auth.access import ADMIN
from app.api.categories import service
from app.api.categories.schema import CategoryCreate, CategoryOut, Slug
from app.graphql.context import GraphQLContext
from app.graphql.fields import RootFields, root_field
from app.graphql.inputs import PageInput, page_query, validated, validated_value
from app.graphql.types import Page


@strawberry.experimental.pydantic.type(CategoryOut, name="Category", all_fields=True)
class CategoryType:
    """A category: the fields of REST's `CategoryOut`, derived from it."""


# Hand-written: derived from `CategoryCreate`, `slug` would carry its pydantic description.
@strawberry.input(description="A new category, as REST's `POST /categories` body.")
class CategoryCreateInput:
    """The fields of REST's `CategoryCreate`."""

    slug: str
    name: str


# A path parameter on REST: an impossible slug is a 422 there, so it is one here too.
SLUG = TypeAdapter[str](Slug)


async def resolve_categories(
    info: Info[GraphQLContext, None], page: PageInput | None = None
) -> Page[CategoryType]:
    """Categories in slug order, a page at a time."""
    query = page_query(page)
    async with info.context.postgres_session() as session:
        listing = await service.list_categories(session, query)
    return Page.of(listing, CategoryType.from_pydantic)


async def resolve_category(info: Info[GraphQLContext, None], slug: str) -> CategoryType:
    """One category by slug."""
    # NOT_FOUND if there is none.
    valid = validated_value(SLUG, slug, "path", "slug")
    async with info.context.postgres_session() as session:
        return CategoryType.from_pydantic(await service.get_category(session, valid))


async def resolve_create_category(
    info: Info[GraphQLContext, None],
    data: Annotated[CategoryCreateInput, strawberry.argument(name="input")],
) -> CategoryType:
    """Add a category (an admin with the admin role); CONFLICT if the slug is taken."""
    admin = await info.context.admit(ADMIN)
    model = validated(CategoryCreate, vars(data), "body")
    async with info.context.postgres_session() as session:
        return CategoryType.from_pydantic(await service.create_category(session, admin, model))


CATEGORY_FIELDS = RootFields(
    queries=(root_field(resolve_categories), root_field(resolve_category)),
    mutations=(root_field(resolve_create_category, ADMIN),),
)
