"""The OpenAPI document states the rules the types enforce, "no NUL" on every text first."""

import re
from collections.abc import Iterator, Mapping
from typing import Any

from fastapi import FastAPI
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from app.api.categories.schema import CategoryName
from app.api.operator_guard import QueryText
from app.core.openapi_rules import MAX_UTF8_BYTES_KEY
from app.core.security.passwords import NewPassword
from app.main import create_app
from app.settings import AppSettings, Environment, Settings
from tests.openapi_refs import resolve

Schema = Mapping[str, Any]


def text_schemas(schema: Any, document: Schema, where: str) -> Iterator[tuple[str, Schema]]:
    """Every string schema under `schema`, through refs, combinators, items and properties."""
    schema = resolve(schema, document)
    if not isinstance(schema, Mapping):
        return
    if schema.get("type") == "string":
        yield where, schema
    for keyword in ("anyOf", "oneOf", "allOf"):
        for index, branch in enumerate(schema.get(keyword, ())):
            yield from text_schemas(branch, document, f"{where}.{keyword}[{index}]")
    if "items" in schema:
        yield from text_schemas(schema["items"], document, f"{where}[]")
    for name, prop in schema.get("properties", {}).items():
        yield from text_schemas(prop, document, f"{where}.{name}")


def request_texts(document: Schema) -> Iterator[tuple[str, Schema]]:
    """Every string a client sends: parameters and request bodies of every operation."""
    for path, item in document["paths"].items():
        for method, operation in item.items():
            label = f"{method.upper()} {path}"
            for parameter in operation.get("parameters", ()):
                where = f"{label} {parameter['in']} {parameter['name']}"
                yield from text_schemas(parameter["schema"], document, where)
            for media, content in operation.get("requestBody", {}).get("content", {}).items():
                yield from text_schemas(content["schema"], document, f"{label} {media}")


def texts_allowing_nul(document: Schema) -> list[str]:
    """Where a client's text may hold NUL according to the document."""
    found = []
    for where, schema in request_texts(document):
        if "enum" in schema and not any("\x00" in str(value) for value in schema["enum"]):
            continue
        pattern = schema.get("pattern")
        if pattern is None or re.search(pattern, "a\x00b") or re.search(pattern, "\x00"):
            found.append(where)
    return found


def test_every_text_a_client_sends_is_documented_without_nul() -> None:
    app = create_app(Settings(app=AppSettings(environment=Environment.TEST)))
    document = app.openapi()
    assert len(list(request_texts(document))) > 20  # the walk reaches the app's texts
    assert texts_allowing_nul(document) == []


def test_the_walk_finds_a_text_without_the_rule() -> None:
    app = FastAPI()

    @app.get("/items/{name}")
    async def item(name: str, q: str | None = None) -> None:
        """A route with unconstrained text."""

    assert texts_allowing_nul(app.openapi()) == [
        "GET /items/{name} path name",
        "GET /items/{name} query q.anyOf[0]",
    ]


def schema_of(annotation: Any) -> Schema:
    """The JSON Schema pydantic writes for a type."""
    schema: Schema = TypeAdapter(annotation).json_schema()
    return schema


def accepts_schema_valid_text(annotation: Any, data: st.DataObject) -> None:
    """Draw a text the type's schema calls valid; the type must accept it."""
    schema = schema_of(annotation)
    low, high = schema.get("minLength", 0), schema["maxLength"]
    text: str = data.draw(st.from_regex(str(schema["pattern"]), fullmatch=True))
    if low <= len(text) <= high:
        TypeAdapter(annotation).validate_python(text)


# What the document calls valid, the type accepts: values drawn from each schema's pattern.
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_valid_text_by_the_schema_is_accepted_by_the_type(data: st.DataObject) -> None:
    for annotation in (CategoryName, QueryText):
        accepts_schema_valid_text(annotation, data)


def test_the_password_schema_says_what_the_rules_check() -> None:
    schema = schema_of(NewPassword)
    adapter = TypeAdapter(NewPassword)
    adapter.validate_python("a" * schema["minLength"])
    adapter.validate_python("a" * schema["maxLength"])
    adapter.validate_python("é" * (schema[MAX_UTF8_BYTES_KEY] // 2))
    for refused in (
        "a" * (schema["minLength"] - 1),
        "a" * (schema["maxLength"] + 1),
        "é" * (schema[MAX_UTF8_BYTES_KEY] // 2 + 1),
    ):
        try:
            adapter.validate_python(refused)
        except ValueError:
            continue
        raise AssertionError(f"accepted {len(refused)} characters")
