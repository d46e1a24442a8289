"""The strawberry schema: the root types of every domain module, with the abuse limits."""

from collections.abc import AsyncIterator
from functools import partial
from typing import Any

import strawberry
from graphql import GraphQLError, GraphQLResolveInfo
from graphql.validation import ASTValidationRule
from opentelemetry.trace import TracerProvider
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.extensions.tracing import OpenTelemetryExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from app.graphql.categories import CATEGORY_FIELDS
from app.graphql.context import GraphQLContext
from app.graphql.fields import RootFields, root_type
from app.graphql.nul_text import RefuseNulText
from app.graphql.products import PRODUCT_FIELDS
from app.graphql.selection_sets import NoEmptySelectionSets, depth_limit
from app.graphql.users import USER_FIELDS
from app.settings import Environment, GraphQLSettings

# The root fields of each domain module, one module a line, in schema order: adding (or
# removing) a domain is one import and one line here.
DOMAINS: tuple[RootFields, ...] = (
    USER_FIELDS,
    CATEGORY_FIELDS,
    PRODUCT_FIELDS,
)
# Every query the API answers, and every mutation it performs.
Query = root_type("Query", (field for domain in DOMAINS for field in domain.queries))
Mutation = root_type("Mutation", (field for domain in DOMAINS for field in domain.mutations))


class RollbackOnErrors(SchemaExtension):
    """Rolls the request's SQL unit of work back when the result carries any error.

    REST rolls back when a handler raises; a GraphQL resolver's error is caught by the
    executor instead, so without this a failed mutation's earlier writes would commit.
    """

    async def on_operation(self) -> AsyncIterator[None]:
        """Run the operation, then undo its SQL writes if anything failed."""
        try:
            yield
        except Exception:
            # Raised through the operation (a document the parse cache cannot parse is one):
            # strawberry still answers with errors, so the writes go.
            await self._rollback()
            raise
        result = self.execution_context.result
        if result is not None and result.errors:
            await self._rollback()

    async def _rollback(self) -> None:
        context = self.execution_context.context
        if isinstance(context, GraphQLContext):
            await context.rollback()


class AppSchema(strawberry.Schema):
    """A schema whose errors are logged by the view (with the request id), not here."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Skip strawberry's own logging: expected errors (401, 404...) are not incidents."""


# Distinct documents whose parse and validation results are kept. Validating a document
# walks it several times over (most of a small query's cost) and depends only on the
# document, the schema and the rules; clients send the same few documents again and again.
DOCUMENT_CACHE_SIZE = 256


def _no_arguments(arguments: dict[str, Any], info: GraphQLResolveInfo[Any]) -> dict[str, Any]:
    # Resolver arguments are what the client sent (a password among them): never in a span.
    return {}


def build_schema(
    settings: GraphQLSettings,
    environment: Environment,
    tracer_provider: TracerProvider | None = None,
) -> strawberry.Schema:
    """The schema with depth, alias and token limits; introspection only where allowed.

    With a `tracer_provider`, each operation and resolver is a span (without its arguments).
    """
    introspection = settings.introspection_enabled(environment)
    # The limit rules are made once here: strawberry's limiter extensions make new rule
    # classes for every instance, and so for every request, which no cache could match.
    limits: list[type[ASTValidationRule]] = [
        # An empty selection set is refused here, and the depth rule skips its document.
        NoEmptySelectionSets,
        depth_limit(settings.max_depth),
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
    ]
    # Factories, not instances: strawberry builds fresh extensions for every request.
    extensions: list[Any] = [
        # The token limit is a parse option, so it is part of the parse cache's key.
        partial(MaxTokensLimiter, max_token_count=settings.max_tokens),
        partial(ParserCache, maxsize=DOCUMENT_CACHE_SIZE),
        partial(AddValidationRules, limits),
        partial(ValidationCache, maxsize=DOCUMENT_CACHE_SIZE),
        # After the validation cache, whose hook sets the validation errors: this one
        # replaces them with the NUL refusal when text holds NUL, so nothing executes.
        RefuseNulText,
        RollbackOnErrors,
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    if tracer_provider is not None:
        extensions.append(
            partial(
                OpenTelemetryExtension, arg_filter=_no_arguments, tracer_provider=tracer_provider
            )
        )
    return AppSchema(
        query=Query,
        mutation=Mutation,
        extensions=extensions,
        # batching_config None: a JSON array of operations is refused (one request, one op).
        # Without introspection, "did you mean" hints would leak the schema piece by piece.
        config=StrawberryConfig(batching_config=None, disable_field_suggestions=not introspection),
    )
