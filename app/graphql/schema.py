"""The strawberry schema: the root types of every domain module, with the abuse limits."""

from collections.abc import AsyncIterator
from functools import partial
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from app.graphql.categories import CategoryMutation, CategoryQuery
from app.graphql.context import GraphQLContext
from app.graphql.nul_text import RefuseNulText
from app.graphql.products import ProductMutation, ProductQuery
from app.graphql.users import UserQuery
from app.settings import Environment, GraphQLSettings


# One base class per domain module, one per line: adding (or removing) a domain is one
# import and one base line here.
@strawberry.type
class Query(
    UserQuery,
    CategoryQuery,
    ProductQuery,
):
    """Every query the API answers."""


@strawberry.type
class Mutation(
    CategoryMutation,
    ProductMutation,
):
    """Every mutation the API performs."""


class RollbackOnErrors(SchemaExtension):
    """Rolls the request's SQL unit of work back when the result carries any error.

    REST rolls back when a handler raises; a GraphQL resolver's error is caught by the
    executor instead, so without this a failed mutation's earlier writes would commit.
    """

    async def on_operation(self) -> AsyncIterator[None]:
        """Run the operation, then undo its SQL writes if anything failed."""
        yield
        result = self.execution_context.result
        context = self.execution_context.context
        if result is not None and result.errors and isinstance(context, GraphQLContext):
            await context.rollback()


class AppSchema(strawberry.Schema):
    """A schema whose errors are logged by the view (with the request id), not here."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Skip strawberry's own logging: expected errors (401, 404...) are not incidents."""


def build_schema(settings: GraphQLSettings, environment: Environment) -> strawberry.Schema:
    """The schema with depth, alias and token limits; introspection only where allowed."""
    introspection = settings.introspection_enabled(environment)
    # Factories, not instances: strawberry builds fresh extensions for every request.
    extensions: list[Any] = [
        partial(MaxTokensLimiter, max_token_count=settings.max_tokens),
        partial(QueryDepthLimiter, max_depth=settings.max_depth),
        partial(MaxAliasesLimiter, max_alias_count=settings.max_aliases),
        # Text holding NUL is refused before the document is validated or run.
        RefuseNulText,
        RollbackOnErrors,
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    return AppSchema(
        query=Query,
        mutation=Mutation,
        extensions=extensions,
        # batching_config None: a JSON array of operations is refused (one request, one op).
        # Without introspection, "did you mean" hints would leak the schema piece by piece.
        config=StrawberryConfig(batching_config=None, disable_field_suggestions=not introspection),
    )
