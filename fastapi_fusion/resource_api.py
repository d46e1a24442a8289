"""The API side of a new resource: its pydantic schema, repository, service and router."""

from collections.abc import Mapping
from dataclasses import dataclass

from fastapi_fusion.resource_source import Imports, call, module
from fastapi_fusion.resource_spec import (
    ACCESS,
    IDEMPOTENCY_ALIAS,
    POLICY_ALIAS,
    ResourceSpec,
    Store,
    Writers,
)

# The pydantic input type of each field type, and the definitions it needs in schema.py.
_INPUT = {
    "str": "ShortText",
    "text": "LongText",
    "int": "WholeNumber",
    "decimal": "Amount",
    "bool": "StrictBool",
    "date": "DateText",
    "datetime": "TimestampText",
}
_OUTPUT = {"decimal": "AmountOut", "date": "date", "datetime": "datetime"}

_SHORT_TEXT = """\
# Trimmed, not blank, at most 200 characters (the column's width); limits apply as sent.
ShortText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200, pattern=NON_BLANK_PATTERN),
    AfterValidator(trim),
]
"""
_LONG_TEXT = """\
# Trimmed, may be empty, at most 10,000 characters; limits apply as sent.
LongText = Annotated[
    str, StringConstraints(max_length=10_000, pattern=NUL_FREE_PATTERN), AfterValidator(trim)
]
"""
_WHOLE_NUMBER = """\
def _number(value: object) -> object:
    # JSON Schema counts 12.0 as an integer (pydantic then refuses 12.5); text and
    # booleans are refused, never coerced.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PydanticKnownError("int_type")
    return value


# What the 32-bit column holds; Field before the validator, or the schema loses the bounds.
WholeNumber = Annotated[int, Field(ge=-2_147_483_648, le=2_147_483_647), BeforeValidator(_number)]
"""
_DATE_PATTERN = """\
# ISO 8601, as every text a client sends documented with a pattern (no NUL gets in).
DATE_PATTERN = r"^[1-9][0-9]{3}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$"
"""
_DATE_TEXT = """\
DateText = Annotated[
    date, _text(DATE_PATTERN, date), Field(json_schema_extra={"pattern": DATE_PATTERN})
]
"""
_TIMESTAMP_TEXT = """\
# ISO 8601 with seconds and an offset (`Z` or `+05:30`); sent back in UTC.
_TIME = r"T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]{1,6})?"
_OFFSET = r"(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$"
TIMESTAMP_PATTERN = DATE_PATTERN.removesuffix("$") + _TIME + _OFFSET
TimestampText = Annotated[
    AwareDatetime,
    _text(TIMESTAMP_PATTERN, datetime),
    Field(json_schema_extra={"pattern": TIMESTAMP_PATTERN}),
]
"""
_TEXT = """\
def _text(pattern: str, parsed: type[object]) -> BeforeValidator:
    # Text held to `pattern`, as the document promises; a value already parsed (by GraphQL
    # or a caller in code) passes. Anything else is refused, never coerced.
    def check(value: object) -> object:
        if isinstance(value, parsed):
            return value
        if not isinstance(value, str):
            raise PydanticKnownError("string_type")
        if not re.fullmatch(pattern, value):
            raise PydanticKnownError("string_pattern_mismatch", {"pattern": pattern})
        return value

    return BeforeValidator(check)
"""
_AMOUNT = """\
# An exact amount with at most two decimal places, given as text ("12.30"): a JSON number
# may already be a float, whose exact value is lost. Sent back as text with two places.
AMOUNT_PATTERN = r"^-?[0-9]{1,10}(?:\\.[0-9]{1,2})?$"
CENT = Decimal("0.01")


def _to_cents(value: Decimal) -> Decimal:
    return value.quantize(CENT)


def format_amount(value: Decimal) -> str:
    \"\"\"An amount as clients see it: text with exactly two decimal places.\"\"\"
    return str(value.quantize(CENT))


Amount = Annotated[
    Decimal,
    _text(AMOUNT_PATTERN, Decimal),
    Field(max_digits=12, decimal_places=2),
    AfterValidator(_to_cents),
    WithJsonSchema(
        {"type": "string", "pattern": AMOUNT_PATTERN, "examples": ["12.30"]}, mode="validation"
    ),
]
AmountOut = Annotated[
    Decimal,
    PlainSerializer(format_amount, return_type=str, when_used="json"),
    Field(examples=["12.30"]),
]
"""


@dataclass(frozen=True)
class _Definition:
    """Source schema.py holds when a field of one of `kinds` is present, and its imports."""

    kinds: frozenset[str]
    text: str
    # `from module import names`, by module; `modules` are imported whole.
    imports: Mapping[str, tuple[str, ...]]
    modules: tuple[str, ...] = ()


# What a validator refusing a value with pydantic's own error imports.
_REFUSING = {"pydantic": ("BeforeValidator",), "pydantic_core": ("PydanticKnownError",)}
# In the order schema.py lists them, after the id type (each after the ones it uses).
_DEFINITIONS = (
    _Definition(
        frozenset({"str", "text"}),
        "",
        {
            "pydantic": ("AfterValidator", "StringConstraints"),
            "app.core.openapi_rules": ("trim",),
        },
    ),
    _Definition(
        frozenset({"str"}), _SHORT_TEXT, {"app.core.openapi_rules": ("NON_BLANK_PATTERN",)}
    ),
    _Definition(frozenset({"text"}), _LONG_TEXT, {"app.core.openapi_rules": ("NUL_FREE_PATTERN",)}),
    _Definition(frozenset({"int"}), _WHOLE_NUMBER, _REFUSING),
    _Definition(frozenset({"bool"}), "", {"pydantic": ("StrictBool",)}),
    _Definition(frozenset({"decimal", "date", "datetime"}), _TEXT, _REFUSING, ("re",)),
    _Definition(frozenset({"date", "datetime"}), _DATE_PATTERN, {}),
    _Definition(frozenset({"date"}), _DATE_TEXT, {"datetime": ("date",)}),
    _Definition(frozenset({"datetime"}), _TIMESTAMP_TEXT, {"pydantic": ("AwareDatetime",)}),
    _Definition(
        frozenset({"decimal"}),
        _AMOUNT,
        {
            "decimal": ("Decimal",),
            "pydantic": ("AfterValidator", "PlainSerializer", "WithJsonSchema"),
        },
    ),
)


def schema(spec: ResourceSpec) -> str:
    """`app/api/NAME/schema.py`: the create, update and output models, and the id type."""
    name = spec.name
    kinds = {field.type.name for field in spec.fields}
    imports = Imports().names("datetime", "datetime").names("typing", "Annotated")
    imports.names("pydantic", "Field").names("app.api.operator_guard", "OperatorFreeModel")
    imports.names("app.api.response_model", "ResponseModel")
    blocks: list[str] = []
    for definition in _DEFINITIONS:
        if not kinds & definition.kinds:
            continue
        for source, names in definition.imports.items():
            imports.names(source, *names)
        for source in definition.modules:
            imports.module(source)
        if definition.text:
            blocks.append(definition.text)
    if spec.store is Store.MONGO:
        imports.names("pydantic", "StringConstraints")
        id_type = "str"
        id_block = (
            f"# An ObjectId's 24 hex digits; anything else is a 422 before MongoDB is asked.\n"
            f"{name.cls}Id = Annotated[\n"
            "    str,\n"
            '    StringConstraints(pattern=r"^[0-9a-fA-F]{24}$"),\n'
            f'    Field(description="The {name.words}\'s id: 24 hexadecimal digits."),\n'
            "]\n"
        )
    else:
        id_type = "int"
        id_block = (
            f"{name.cls}Id = Annotated[\n"
            "    int,\n"
            f'    Field(ge=1, le=2_147_483_647, description="The {name.words}\'s id."),\n'
            "]\n"
        )
    blocks.insert(0, id_block)
    create = [f"    {field.name}: {_INPUT[field.type.name]}" for field in spec.fields]
    update = [f"    {field.name}: {_INPUT[field.type.name]} | None = None" for field in spec.fields]
    out = [f"    id: {id_type}"] + (["    owner_id: int"] if spec.owned else [])
    out += [
        f"    {field.name}: {_OUTPUT.get(field.type.name, field.type.python)}"
        for field in spec.fields
    ]
    out += ["    created_at: datetime", "    updated_at: datetime"]
    blocks += [
        f'class {name.cls}Create(OperatorFreeModel):\n    """A new {name.words}."""\n\n'
        + "\n".join(create),
        f"class {name.cls}Update(OperatorFreeModel):\n"
        '    """Fields to change; an absent (or null) field keeps its value."""\n\n'
        + "\n".join(update),
        f'class {name.cls}Out(ResponseModel):\n    """A {name.words} as clients see it."""\n\n'
        + "\n".join(out),
    ]
    return module(f"{name.cls} input and output models.", imports, *blocks)


def repository(spec: ResourceSpec) -> str:
    """`app/api/NAME/repository.py`: reads and writes, failures as domain errors only."""
    if spec.store is Store.MONGO:
        return _mongo_repository(spec)
    name, cls = spec.name, spec.name.cls
    imports = Imports().names("sqlalchemy", "func", "select")
    imports.names("sqlalchemy.ext.asyncio", "AsyncSession")
    imports.names(f"app.api.{name.plural}.schema", f"{cls}Create", f"{cls}Update")
    imports.names("app.core.errors", "NotFoundError").names("app.core.i18n", "MessageKey")
    imports.names("app.database.page", "Page", "clamp_limit", "clamp_offset")
    imports.names("app.database.sql_errors", "sql_errors")
    imports.names(f"app.models.postgres.{name.plural}", cls)
    owner = ", *, owner_id: int" if spec.owned else ""
    owner_value = ", owner_id=owner_id" if spec.owned else ""
    head = (
        "# The name the generic messages give this resource.\n"
        f'RESOURCE = {{"resource": "{name.words}"}}\n'
    )
    body = f'''\
class {cls}Repository:
    """Reads and writes `{name.plural}` in the caller's unit of work."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(self, data: {cls}Create{owner}) -> {cls}:
        """Add a {name.words}."""
        row = {cls}(**data.model_dump(){owner_value})
        with sql_errors():
            self.session.add(row)
            await self.session.flush()
        return row

    async def get(self, item_id: int) -> {cls}:
        """The {name.words} with this id; `NotFoundError` if there is none."""
        with sql_errors():
            row = await self.session.get({cls}, item_id)
        if row is None:
            raise NotFoundError(MessageKey.RESOURCE_NOT_FOUND, params=RESOURCE)
        return row

    async def update(self, item_id: int, data: {cls}Update) -> {cls}:
        """Change the given fields; `NotFoundError` if absent."""
        row = await self.get(item_id)
        for field, value in data.model_dump(exclude_none=True).items():
            setattr(row, field, value)
        with sql_errors():
            await self.session.flush()
        return row

    async def delete(self, item_id: int) -> None:
        """Remove the {name.words}; `NotFoundError` if there is none."""
        row = await self.get(item_id)
        with sql_errors():
            await self.session.delete(row)
            await self.session.flush()

    async def list(self, offset: int = 0, limit: int = 20) -> Page[{cls}]:
        """One page in id order from `offset`, at most `limit`, with the total count."""
        offset, limit = clamp_offset(offset), clamp_limit(limit)
        statement = select({cls}).order_by({cls}.id)
        with sql_errors():
            total = await self.session.scalar(select(func.count({cls}.id))) or 0
            rows = await self.session.scalars(statement.offset(offset).limit(limit))
        return Page(items=[*rows], total=total, offset=offset, limit=limit)
'''
    return module(
        f"{name.plural_words.capitalize()} in PostgreSQL; failures come out as domain errors only.",
        imports,
        head,
        body,
    )


def _mongo_repository(spec: ResourceSpec) -> str:
    name, cls = spec.name, spec.name.cls
    ident = "item_id"
    imports = Imports().names("typing", "Any").names("bson", "ObjectId")
    imports.names("pymongo", "ASCENDING", "ReturnDocument")
    imports.names("pymongo.asynchronous.database", "AsyncDatabase")
    imports.names(f"app.api.{name.plural}.schema", f"{cls}Create", f"{cls}Update")
    imports.names("app.core.errors", "NotFoundError").names("app.core.i18n", "MessageKey")
    imports.names("app.database.mongo", "mongo_errors")
    imports.names("app.database.page", "Page", "clamp_limit", "clamp_offset")
    imports.names("app.models.mongo.clock", "mongo_now")
    imports.names(f"app.models.mongo.{name.plural}", "COLLECTION", cls, "to_document")
    owner = ", *, owner_id: int" if spec.owned else ""
    owner_value = '\n            "owner_id": owner_id,' if spec.owned else ""
    head = (
        "Document = dict[str, Any]\n"
        "# The name the generic messages give this resource.\nRESOURCE ="
        f' {{"resource": "{name.words}"}}\n'
    )
    body = f'''\
class {cls}Repository:
    """Reads and writes the `{name.plural}` collection."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.collection = db[COLLECTION]

    async def create(self, data: {cls}Create{owner}) -> {cls}:
        """Add a {name.words}."""
        now = mongo_now()
        document: Document = {{
            **to_document(data.model_dump()),{owner_value}
            "created_at": now,
            "updated_at": now,
        }}
        with mongo_errors():
            result = await self.collection.insert_one(document)
        return {cls}.from_document({{**document, "_id": result.inserted_id}})

    async def get(self, {ident}: str) -> {cls}:
        """The {name.words} with this id; `NotFoundError` if there is none."""
        with mongo_errors():
            document = await self.collection.find_one(_by_id({ident}))
        if document is None:
            raise NotFoundError(MessageKey.RESOURCE_NOT_FOUND, params=RESOURCE)
        return {cls}.from_document(document)

    async def update(self, {ident}: str, data: {cls}Update) -> {cls}:
        """Change the given fields; `NotFoundError` if absent."""
        changes = {{**to_document(data.model_dump(exclude_none=True)), "updated_at": mongo_now()}}
        with mongo_errors():
            document = await self.collection.find_one_and_update(
                _by_id({ident}), {{"$set": changes}}, return_document=ReturnDocument.AFTER
            )
        if document is None:
            raise NotFoundError(MessageKey.RESOURCE_NOT_FOUND, params=RESOURCE)
        return {cls}.from_document(document)

    async def delete(self, {ident}: str) -> None:
        """Remove the {name.words}; `NotFoundError` if there is none."""
        with mongo_errors():
            result = await self.collection.delete_one(_by_id({ident}))
        if result.deleted_count == 0:
            raise NotFoundError(MessageKey.RESOURCE_NOT_FOUND, params=RESOURCE)

    async def list(self, offset: int = 0, limit: int = 20) -> Page[{cls}]:
        """One page in id order from `offset`, at most `limit`, with the total count."""
        offset, limit = clamp_offset(offset), clamp_limit(limit)
        with mongo_errors():
            total = await self.collection.count_documents({{}})
            cursor = self.collection.find({{}}).sort("_id", ASCENDING).skip(offset).limit(limit)
            documents = await cursor.to_list(limit)
        items = [{cls}.from_document(document) for document in documents]
        return Page(items=items, total=total, offset=offset, limit=limit)
'''
    by_id = f"""\
def _by_id({ident}: str) -> Document:
    # An id that is not an ObjectId matches nothing instead of raising.
    return {{"_id": ObjectId({ident}) if ObjectId.is_valid({ident}) else ""}}
"""
    return module(
        f"{name.plural_words.capitalize()} in MongoDB; failures come out as domain errors only.",
        imports,
        head,
        body,
        by_id,
    )


def _store(spec: ResourceSpec) -> tuple[str, str, str]:
    # The service's handle on the store: (parameter, its type, its id type).
    if spec.store is Store.MONGO:
        return "db", "MongoDatabase", "str"
    return "session", "AsyncSession", "int"


def _signature(head: str, parameters: list[str], returns: str) -> str:
    # One parameter a line with a trailing comma: ruff keeps it so whatever the name's length.
    body = "".join(f"    {parameter},\n" for parameter in parameters)
    return f"{head}(\n{body}) -> {returns}:\n"


def service(spec: ResourceSpec) -> str:
    """`app/api/NAME/service.py`: the rules REST and GraphQL share, over the repository."""
    name, cls = spec.name, spec.name.cls
    conn, conn_type, id_type = _store(spec)
    imports = Imports().names("app.api.auth.principal", "Principal")
    imports.names("app.api.pagination", "PageOut", "PageQuery", "page_out")
    imports.names(f"app.api.{name.plural}.repository", f"{cls}Repository")
    imports.names(f"app.api.{name.plural}.schema", f"{cls}Create", f"{cls}Out", f"{cls}Update")
    head = ""
    if spec.store is Store.MONGO:
        imports.names("typing", "Any").names("pymongo.asynchronous.database", "AsyncDatabase")
        head = "MongoDatabase = AsyncDatabase[dict[str, Any]]\n"
    else:
        imports.names("sqlalchemy.ext.asyncio", "AsyncSession")
    handle = f"{conn}: {conn_type}"
    principal = "principal: Principal | None"
    if spec.writers is Writers.ADMIN:
        imports.names("app.api.permissions", "require_admin")
        may_create = may_change = "    require_admin(principal)\n"
    else:
        imports.names("app.api.permissions", "require_user")
        may_create = may_change = "    require_user(principal)\n"
    create = f"    row = await {cls}Repository({conn}).create(data)\n"
    blocks = [head] if head else []
    if spec.owned:
        imports.names("app.api.permissions", "is_owner_or_admin", "require_principal")
        imports.names(f"app.api.{name.plural}.repository", "RESOURCE")
        imports.names("app.core.errors", "ForbiddenError").names("app.core.i18n", "MessageKey")
        may_create = "    caller = require_user(principal)\n"
        create = (
            call(
                f"row = await {cls}Repository({conn}).create",
                ["data", "owner_id=caller.account_id"],
                "    ",
            )
            + "\n"
        )
        may_change = "    await _require_owner_or_admin(repository, principal, item_id)\n"
    blocks += [
        _signature(
            f"async def list_{name.plural}", [handle, "query: PageQuery"], f"PageOut[{cls}Out]"
        )
        + f'    """{name.plural_words.capitalize()} in id order, one page of them, with the total'
        ' count."""\n'
        + call(
            f"page = await {cls}Repository({conn}).list",
            ["offset=query.offset", "limit=query.limit"],
            "    ",
        )
        + "\n"
        f"    return page_out(page, {cls}Out.model_validate)\n",
        _signature(f"async def get_{name.singular}", [handle, f"item_id: {id_type}"], f"{cls}Out")
        + f'    """The {name.words} with this id; `NotFoundError` if there is none."""\n'
        f"    row = await {cls}Repository({conn}).get(item_id)\n"
        f"    return {cls}Out.model_validate(row)\n",
        _signature(
            f"async def create_{name.singular}",
            [handle, principal, f"data: {cls}Create"],
            f"{cls}Out",
        )
        + f'    """Add a {name.words}'
        f' ({"the signed-in user owns it" if spec.owned else spec.access.who})."""\n'
        + may_create
        + create
        + f"    return {cls}Out.model_validate(row)\n",
        _signature(
            f"async def update_{name.singular}",
            [handle, principal, f"item_id: {id_type}", f"data: {cls}Update"],
            f"{cls}Out",
        )
        + f'    """Change the given fields ({spec.access.who}); `NotFoundError` if absent."""\n'
        f"    repository = {cls}Repository({conn})\n"
        + may_change
        + "    row = await repository.update(item_id, data)\n"
        f"    return {cls}Out.model_validate(row)\n",
        _signature(
            f"async def delete_{name.singular}",
            [handle, principal, f"item_id: {id_type}"],
            "None",
        )
        + f'    """Remove the {name.words} ({spec.access.who})."""\n'
        f"    repository = {cls}Repository({conn})\n"
        + may_change
        + "    await repository.delete(item_id)\n",
    ]
    if spec.owned:
        blocks.append(
            _signature(
                "async def _require_owner_or_admin",
                [f"repository: {cls}Repository", principal, f"item_id: {id_type}"],
                "None",
            )
            + "    # Read before the write: only its owner, or an administrator, may change it.\n"
            "    caller = require_principal(principal)\n"
            "    row = await repository.get(item_id)\n"
            "    if not is_owner_or_admin(caller, row.owner_id):\n"
            "        raise ForbiddenError(MessageKey.RESOURCE_FORBIDDEN, params=RESOURCE)\n"
        )
    return module(
        f"{cls} rules, shared by REST and GraphQL.",
        imports,
        *blocks,
    )


def router(spec: ResourceSpec) -> str:
    """`app/api/NAME/router.py`: the REST routes, each naming its access policy's alias."""
    name, cls = spec.name, spec.name.cls
    ident = f"{name.singular}_id"
    creator = POLICY_ALIAS[spec.access.create]
    idempotency = IDEMPOTENCY_ALIAS[spec.access.create]
    changer = POLICY_ALIAS[spec.access.change]
    creators = ACCESS[Writers.ADMIN if spec.access.create == "ADMIN" else Writers.USER].who
    store = "MongoDB" if spec.store is Store.MONGO else "PostgresSession"
    conn = "db" if spec.store is Store.MONGO else "session"
    imports = Imports().names("typing", "Annotated")
    imports.names("fastapi", "APIRouter", "Path", "Query", "Request", "Response", "status")
    imports.names("app.api.pagination", "PageOut", "PageQuery")
    imports.names(f"app.api.{name.plural}", "service")
    imports.names(
        f"app.api.{name.plural}.schema", f"{cls}Create", f"{cls}Id", f"{cls}Out", f"{cls}Update"
    )
    imports.names("app.core.envelope", "Envelope", "error_responses", "success")
    imports.names("app.core.errors", "ErrorType").names("app.core.routing", "EnvelopeRoute")
    imports.names("app.depends", creator, changer, idempotency, "Lang", store)
    head = (
        call(
            "router = APIRouter",
            [f'prefix="/{name.route}"', f'tags=["{name.route}"]', "route_class=EnvelopeRoute"],
        )
        + f"\n\n{cls}IdPath = Annotated[{cls}Id, Path()]\n"
        "READ_ERRORS = (ErrorType.NOT_FOUND, ErrorType.SERVICE_UNAVAILABLE)\n"
        "CREATE_ERRORS = (ErrorType.UNAUTHORIZED, ErrorType.FORBIDDEN,"
        " ErrorType.SERVICE_UNAVAILABLE)\n"
        "WRITE_ERRORS = (*CREATE_ERRORS, ErrorType.NOT_FOUND)\n"
    )
    conn_param = f"{conn}: {store}"
    path = f'"/{{{ident}}}"'
    listing = (
        '@router.get("", responses=error_responses(ErrorType.SERVICE_UNAVAILABLE))\n'
        + _signature(
            f"async def list_{name.plural}",
            ["query: Annotated[PageQuery, Query()]", conn_param, "lang: Lang"],
            f"Envelope[PageOut[{cls}Out]]",
        )
        + f'    """List {name.plural_words} in id order, a page at a time, with the total'
        ' count."""\n'
        f"    page = await service.list_{name.plural}({conn}, query)\n"
        "    return success(page, lang)\n"
    )
    get = (
        f"@router.get({path}, responses=error_responses(*READ_ERRORS))\n"
        + _signature(
            f"async def get_{name.singular}",
            [f"{ident}: {cls}IdPath", conn_param, "lang: Lang"],
            f"Envelope[{cls}Out]",
        )
        + f'    """Show one {name.words}; 404 if there is none."""\n'
        + call(f"item = await service.get_{name.singular}", [conn, ident], "    ")
        + "\n    return success(item, lang)\n"
    )
    create = (
        '@router.post("", status_code=status.HTTP_201_CREATED,'
        " responses=error_responses(*CREATE_ERRORS))\n"
        + _signature(
            f"async def create_{name.singular}",
            [
                f"data: {cls}Create",
                f"caller: {creator}",
                conn_param,
                f"idempotency: {idempotency}",
                "lang: Lang",
                "request: Request",
                "response: Response",
            ],
            f"Envelope[{cls}Out]",
        )
        + f'    """Create a {name.words} ({creators});'
        ' `Location` names it."""\n'
        f"    created = await service.create_{name.singular}({conn}, caller, data)\n"
        f'    location = request.url_for("get_{name.singular}", {ident}=created.id)\n'
        '    response.headers["Location"] = str(location.path)\n'
        "    return success(created, lang, ErrorType.RESOURCE_CREATED)\n"
    )
    update = (
        f"@router.patch({path}, responses=error_responses(*WRITE_ERRORS))\n"
        + _signature(
            f"async def update_{name.singular}",
            [
                f"{ident}: {cls}IdPath",
                f"data: {cls}Update",
                f"caller: {changer}",
                conn_param,
                "lang: Lang",
            ],
            f"Envelope[{cls}Out]",
        )
        + f'    """Change a {name.words}\'s given fields ({spec.access.who})."""\n'
        + call(
            f"updated = await service.update_{name.singular}",
            [conn, "caller", ident, "data"],
            "    ",
        )
        + "\n    return success(updated, lang)\n"
    )
    delete = (
        f"@router.delete({path}, responses=error_responses(*WRITE_ERRORS))\n"
        + _signature(
            f"async def delete_{name.singular}",
            [f"{ident}: {cls}IdPath", f"caller: {changer}", conn_param, "lang: Lang"],
            "Envelope[None]",
        )
        + f'    """Delete a {name.words} ({spec.access.who})."""\n'
        + call(f"await service.delete_{name.singular}", [conn, "caller", ident], "    ")
        + "\n    return success(None, lang)\n"
    )
    return module(
        f"`/{name.route}`: public reads; writes by {spec.access.who}.",
        imports,
        head,
        listing,
        get,
        create,
        update,
        delete,
    )
