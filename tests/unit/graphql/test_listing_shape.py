"""GraphQL listings keep REST's contract: `page: {offset, limit}` in, the page shape out."""

from graphql import (
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLType,
)

from app.graphql.schema import build_schema
from app.settings import Environment, GraphQLSettings

PAGE_FIELDS = {"items", "total", "offset", "limit"}


def _unwrap(kind: GraphQLType) -> GraphQLType:
    return kind.of_type if isinstance(kind, GraphQLNonNull) else kind


def _named(kind: GraphQLType) -> GraphQLNamedType:
    while isinstance(kind, GraphQLNonNull | GraphQLList):
        kind = kind.of_type
    assert isinstance(kind, GraphQLNamedType)
    return kind


def test_every_graphql_listing_is_an_offset_limit_page() -> None:
    schema = build_schema(GraphQLSettings(), Environment.TEST)._schema
    assert schema.query_type is not None
    listings, wrong = [], []
    for name, field in schema.query_type.fields.items():
        returned = _unwrap(field.type)
        if isinstance(returned, GraphQLList):
            wrong.append(f"{name}: a bare list")
            continue
        if not (isinstance(returned, GraphQLObjectType) and "items" in returned.fields):
            continue
        listings.append(name)
        if set(returned.fields) != PAGE_FIELDS:
            wrong.append(f"{name}: page fields {sorted(returned.fields)}")
        page = field.args.get("page")
        page_type = _named(page.type) if page is not None else None
        if not (
            isinstance(page_type, GraphQLInputObjectType)
            and set(page_type.fields) == {"offset", "limit"}
        ):
            wrong.append(f"{name}: no `page: {{offset, limit}}` argument")
    assert listings, "no listing found: the walk is broken"
    assert wrong == []
