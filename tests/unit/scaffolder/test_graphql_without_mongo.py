"""The GraphQL schema of a project made `--without mongo` is `schema.without-mongo.graphql`.

Such a project has no products: the manifest drops their module and their `DOMAINS` line,
moves this snapshot into `tests/unit/graphql/` and points `test_schema_snapshot.py` at it.
This checks the snapshot against the schema of every domain but the products'.
"""

from pathlib import Path

import strawberry

from app.graphql.fields import root_type
from app.graphql.products import PRODUCT_FIELDS
from app.graphql.schema import DOMAINS
from tests.unit.graphql.sdl_snapshot import assert_snapshot

SNAPSHOT = Path(__file__).with_name("schema.without-mongo.graphql")


def sdl_without_products() -> str:
    """The SDL of the schema without the products' root fields, ending with one newline."""
    domains = [domain for domain in DOMAINS if domain is not PRODUCT_FIELDS]
    schema = strawberry.Schema(
        query=root_type("Query", (field for domain in domains for field in domain.queries)),
        mutation=root_type("Mutation", (field for domain in domains for field in domain.mutations)),
    )
    return schema.as_str() + "\n"


def write_snapshot() -> None:
    """Overwrite the snapshot with the current SDL (a deliberate schema change)."""
    SNAPSHOT.write_text(sdl_without_products(), encoding="utf-8")


def test_the_schema_without_products_is_its_committed_snapshot() -> None:
    assert_snapshot(sdl_without_products(), SNAPSHOT, __name__)
