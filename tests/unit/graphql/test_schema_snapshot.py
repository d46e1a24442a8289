"""The GraphQL schema clients see (its SDL) is the committed `schema.graphql`, to the letter.

Refactoring the strawberry types (deriving them from the pydantic models, sharing a page
type) must not change what clients see; a change that is meant is regenerated on purpose.
"""

from pathlib import Path

from app.graphql.schema import build_schema
from app.settings import Environment, GraphQLSettings

SNAPSHOT = Path(__file__).with_name("schema.graphql")
REGENERATE = (
    "python -c 'from tests.unit.graphql.test_schema_snapshot import write_snapshot; "
    "write_snapshot()'"
)


def current_sdl() -> str:
    """The SDL of the schema the app serves, ending with one newline."""
    # The environment only switches introspection and hints, never a type or a field.
    return build_schema(GraphQLSettings(), Environment.PRODUCTION).as_str() + "\n"


def write_snapshot() -> None:
    """Overwrite the snapshot with the current SDL (a deliberate schema change)."""
    SNAPSHOT.write_text(current_sdl(), encoding="utf-8")


def test_the_schema_is_the_committed_snapshot() -> None:
    assert current_sdl() == SNAPSHOT.read_text(encoding="utf-8"), (
        f"The GraphQL schema differs from {SNAPSHOT.name}. If the change is meant (clients "
        f"will see it), regenerate the snapshot from the project root with\n  {REGENERATE}\n"
        "and commit it with the change; otherwise restore the types."
    )


def test_the_environment_changes_no_type_or_field() -> None:
    sdls = {build_schema(GraphQLSettings(), environment).as_str() for environment in Environment}
    assert len(sdls) == 1
