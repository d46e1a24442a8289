"""Following `$ref`s inside an OpenAPI document, for the tests that walk its schemas."""

from collections.abc import Mapping
from typing import Any


def resolve(schema: Any, document: Mapping[str, Any]) -> Any:
    """The schema itself, or what its chain of local `#/...` references points to."""
    # Local references only (`#/components/schemas/Name`), as FastAPI writes them.
    while isinstance(schema, Mapping) and "$ref" in schema:
        node: Any = document
        for part in str(schema["$ref"]).removeprefix("#/").split("/"):
            node = node[part]
        schema = node
    return schema
