"""Input shared by the domain fields: a page, and the bridge into REST's pydantic models.

Arguments are turned into the very models REST validates, so both transports accept and
refuse the same input; a refusal is REST's 422, `loc` prefixed as REST would (`body`,
`query`, `path`) so the same mistake is reported the same way on both.
"""

from collections.abc import Callable, Mapping
from typing import Any, TypeVar, get_type_hints

import strawberry
from pydantic import BaseModel, TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from app.api.pagination import PageQuery
from app.core.errors import ValidationError
from app.core.handlers import validation_issues
from app.database.page import DEFAULT_LIMIT

ModelT = TypeVar("ModelT", bound=BaseModel)
ValueT = TypeVar("ValueT")
ClassT = TypeVar("ClassT", bound=type)


@strawberry.input(description="Which slice of a listing: `offset` items skipped, `limit` kept.")
class PageInput:
    """`offset` and `limit`, as REST's listing query parameters."""

    offset: int = 0
    limit: int = DEFAULT_LIMIT


def every_field_optional(source: type) -> Callable[[ClassT], ClassT]:
    """Give the decorated input `source`'s fields in order, each optional and omitted by default.

    REST's update bodies are their create bodies with every field optional; so are the inputs.
    """

    def decorate(cls: ClassT) -> ClassT:
        hints = get_type_hints(source)
        cls.__annotations__ = {name: hint | None for name, hint in hints.items()}
        for name in hints:
            setattr(cls, name, strawberry.UNSET)
        return cls

    return decorate


def given(values: Mapping[str, Any]) -> dict[str, Any]:
    """The arguments the client gave: an omitted optional field is left to the model's default."""
    return {name: value for name, value in values.items() if value is not strawberry.UNSET}


def _refusal(exc: PydanticValidationError, *location: str) -> ValidationError:
    errors = [{**error, "loc": (*location, *error["loc"])} for error in exc.errors()]
    return ValidationError(data=validation_issues(errors))


def validated(model: type[ModelT], values: Mapping[str, Any], location: str) -> ModelT:
    """`values` as `model`, or the app's 422 listing each problem under `location`."""
    try:
        return model.model_validate(given(values))
    except PydanticValidationError as exc:
        raise _refusal(exc, location) from None


def validated_value(adapter: TypeAdapter[ValueT], value: object, *location: str) -> ValueT:
    """One argument checked by `adapter`, or the app's 422 naming it at `location`."""
    try:
        return adapter.validate_python(value)
    except PydanticValidationError as exc:
        raise _refusal(exc, *location) from None


def page_values(page: PageInput | None) -> dict[str, Any]:
    """The `offset`/`limit` arguments of a listing (none given: the model's defaults)."""
    return {} if page is None else {"offset": page.offset, "limit": page.limit}


def page_query(page: PageInput | None) -> PageQuery:
    """The page a listing asked for, validated as REST's `PageQuery`."""
    return validated(PageQuery, page_values(page), "query")
