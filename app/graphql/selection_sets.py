"""Empty selection sets (`{}`, `query {}`, `{ me {} }`): refused as invalid documents.

graphql-core parses and validates them (a spec draft allows them), but strawberry's depth
limiter cannot measure one: it takes the `max()` of no selections and crashes, which would
answer a client's mistake with a 500. Here they are a VALIDATION_ERROR like any document
breaking a limit, and the depth rule only measures documents that hold none.
"""

from graphql import GraphQLError, SelectionSetNode, ValidationRule
from graphql.language import DocumentNode, Visitor, visit
from graphql.validation import ASTValidationRule, ValidationContext
from strawberry.extensions import QueryDepthLimiter

EMPTY_SELECTION_SET_MSG = "Selection sets must not be empty."


class NoEmptySelectionSets(ValidationRule):
    """Reports every selection set without selections."""

    def enter_selection_set(self, node: SelectionSetNode, *_: object) -> None:
        """Report `node` when it selects nothing."""
        if not node.selections:
            self.report_error(GraphQLError(EMPTY_SELECTION_SET_MSG, node))


class _EmptySelectionSetFinder(Visitor):
    """Stops the walk at the first selection set without selections."""

    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def enter_selection_set(self, node: SelectionSetNode, *_: object) -> object:
        """Note an empty selection set and stop there."""
        if node.selections:
            return None
        self.found = True
        return self.BREAK


def holds_empty_selection_set(document: DocumentNode) -> bool:
    """Whether any operation, fragment or field of `document` selects nothing."""
    finder = _EmptySelectionSetFinder()
    visit(document, finder)
    return finder.found


def depth_limit(max_depth: int) -> type[ASTValidationRule]:
    """Strawberry's depth rule, skipped for documents that `NoEmptySelectionSets` refuses."""
    [depth_rule] = QueryDepthLimiter(max_depth=max_depth).validation_rules

    class DepthLimit(ValidationRule):
        """Measures the document's operations, unless one selection set is empty."""

        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            if not holds_empty_selection_set(context.document):
                # Strawberry's rule measures every operation, and reports those too deep
                # to the context, as it is made; it visits nothing afterwards.
                depth_rule(context)

    return DepthLimit
