"""The GraphQL schema clients see (its SDL) is the committed `schema.graphql`, to the letter.

Refactoring the strawberry types (deriving them from the pydantic models, sharing a page
type) must not change what clients see; a change that is meant is regenerated on purpose.
"""

from pathlib import Path

from app.graphql.schema import build_schema
from app.settings import Environment, GraphQLSettings
from tests.unit.graphql.sdl_snapshot import assert_snapshot

SNAPSHOT = Path(__file__).with_name("schema.graphql")


def current_sdl() -> str:
    """The SDL of the schema the app serves, ending with one newline."""
    # The environment only switches introspection and hints, never a type or a field.
    return build_schema(GraphQLSettings(), Environment.PRODUCTION).as_str() + "\n"


def write_snapshot() -> None:
    """Overwrite the snapshot with the current SDL (a deliberate schema change)."""
    SNAPSHOT.write_text(current_sdl(), encoding="utf-8")


def test_the_schema_is_the_committed_snapshot() -> None:
    assert_snapshot(current_sdl(), SNAPSHOT, __name__)


def test_the_environment_changes_no_type_or_field() -> None:
    sdls = {build_schema(GraphQLSettings(), environment).as_str() for environment in Environment}
    assert len(sdls) == 1
