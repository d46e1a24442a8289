"""GraphQL's share of refusing NUL (U+0000): string literals of the document, and variables.

The REST routes refuse NUL in `EnvelopeRoute` (see `app.core.nul_text` for why). Here the
same 422 is one entry of `errors[]`, sent as a variable that fails coercion is: HTTP 200,
`data` null, nothing executed. Its `data` lists `["query", line, column]` for each literal
and `["variables", name, ...]` for each variable value.
"""

from collections.abc import Iterator

from graphql import GraphQLError, StringValueNode, Visitor, get_location, visit
from graphql.language import DocumentNode
from strawberry.extensions import SchemaExtension

from app.core.i18n import MessageKey, translate
from app.core.nul_text import NUL, Loc, nul_error, nul_locations


class _NulLiterals(Visitor):
    """Collects the string literals (quoted or block) whose value holds NUL."""

    def __init__(self) -> None:
        super().__init__()
        self.nodes: list[StringValueNode] = []

    def enter_string_value(self, node: StringValueNode, *_: object) -> None:
        """Keep the literal when its value holds NUL."""
        if NUL in node.value:
            self.nodes.append(node)


def nul_literals(query: str, document: DocumentNode) -> list[StringValueNode]:
    """The string literals of `document` (parsed from `query`) whose value holds NUL."""
    # A literal gets NUL raw or from an escape (`\u0000`, `\u{0}`); without either in the
    # text there is nothing to look for, and the usual document is not walked twice.
    if NUL not in query and "\\u" not in query:
        return []
    literals = _NulLiterals()
    visit(document, literals)
    return literals.nodes


def _query_loc(node: StringValueNode) -> Loc:
    if node.loc is None:
        return ("query",)
    location = get_location(node.loc.source, node.loc.start)
    return ("query", location.line, location.column)


class RefuseNulText(SchemaExtension):
    """Answers the NUL error instead of validating and executing a request that holds NUL."""

    def on_validate(self) -> Iterator[None]:
        """Errors set here are the result: the request is refused before it executes."""
        context = self.execution_context
        literals = (
            nul_literals(context.query, context.graphql_document)
            if context.query is not None and context.graphql_document is not None
            else []
        )
        locations = [_query_loc(node) for node in literals]
        locations += nul_locations(context.variables or {}, ("variables",))
        if locations:
            # The entry's message and extensions come from `original_error` (`app.graphql.errors`).
            message = translate(MessageKey.NUL_CHARACTER, "en")
            context.pre_execution_errors = [
                GraphQLError(message, literals or None, original_error=nul_error(locations))
            ]
        yield
