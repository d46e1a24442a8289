"""The GraphQL side of a new resource: its types, resolvers and root fields over the service."""

from fastapi_fusion.resource_source import Imports, call, module
from fastapi_fusion.resource_spec import ResourceSpec, Store


def _resolver(head: str, parameters: list[str], returns: str) -> str:
    # One parameter a line with a trailing comma: ruff keeps it whatever the names' length.
    body = "".join(f"    {parameter},\n" for parameter in parameters)
    return f"async def {head}(\n{body}) -> {returns}:\n"


def _derived(spec: ResourceSpec) -> bool:
    # Derived from REST's output model only where that keeps the schema's types: a decimal
    # would become strawberry's Decimal (GraphQL sends it as text), a MongoDB id a String.
    return spec.store is Store.POSTGRES and all(
        field.type.name != "decimal" for field in spec.fields
    )


def _object_type(spec: ResourceSpec, imports: Imports, id_type: str) -> tuple[str, str]:
    """The object type's source, and how a service result becomes one (a callable's text)."""
    name, cls = spec.name, spec.name.cls
    type_name = f"{cls}Type"
    if _derived(spec):
        source = (
            f'@strawberry.experimental.pydantic.type({cls}Out, name="{cls}", all_fields=True)\n'
            f"class {type_name}:\n"
            f'    """A {name.words}: the fields of REST\'s `{cls}Out`, derived from it."""\n'
        )
        return source, f"{type_name}.from_pydantic"
    imports.names("datetime", "datetime").names("app.graphql.types", "copied")
    fields = [f"    id: {id_type}"] + (["    owner_id: int"] if spec.owned else [])
    computed = ["id=strawberry.ID(item.id)"] if spec.store is Store.MONGO else []
    for field in spec.fields:
        annotation = field.type.graphql
        if annotation == "date":
            imports.names("datetime", "date")
        fields.append(f"    {field.name}: {annotation}")
        if field.type.name == "decimal":
            imports.names(f"app.api.{name.plural}.schema", "format_amount")
            computed.append(f"{field.name}=format_amount(item.{field.name})")
    fields += ["    created_at: datetime", "    updated_at: datetime"]
    why = (
        "a decimal would be a Decimal, not its exact text"
        if spec.store is Store.POSTGRES
        else "the id would be a String, not an ID"
    )
    source = (
        f"# Hand-written: derived from `{cls}Out`, {why}.\n"
        f'@strawberry.type(name="{cls}")\n'
        f"class {type_name}:\n"
        f'    """A {name.words}, the fields of REST\'s `{cls}Out`."""\n\n'
        + "\n".join(fields)
        + "\n\n    @classmethod\n"
        f'    def of(cls, item: {cls}Out) -> "{type_name}":\n'
        f'        """The GraphQL view of the {name.words} the service returned."""\n'
        + call("return copied", ["cls", "item", *computed], "        ")
        + "\n"
    )
    return source, f"{type_name}.of"


def graphql_module(spec: ResourceSpec) -> str:
    """`app/graphql/NAME.py`: the object and input types, resolvers and the root fields."""
    name, cls = spec.name, spec.name.cls
    mongo = spec.store is Store.MONGO
    type_name, id_const = f"{cls}Type", f"{name.singular.upper()}_ID"
    ident = f"{name.singular}_id"
    create_policy, change_policy = spec.access.create, spec.access.change
    imports = Imports().names("typing", "Annotated")
    imports.module("strawberry").names("pydantic", "TypeAdapter").names("strawberry", "Info")
    imports.names("app.api.auth.access", create_policy, change_policy)
    imports.names(f"app.api.{name.plural}", "service")
    imports.names(
        f"app.api.{name.plural}.schema",
        f"{cls}Create",
        f"{cls}Id",
        f"{cls}Out",
        f"{cls}Update",
    )
    imports.names("app.graphql.context", "GraphQLContext")
    imports.names("app.graphql.fields", "RootFields", "root_field")
    imports.names("app.graphql.inputs", "PageInput", "page_query", "validated", "validated_value")
    imports.names("app.graphql.types", "Page")
    id_type = "strawberry.ID" if mongo else "int"
    object_type, convert = _object_type(spec, imports, id_type)
    create_fields, update_fields = [], []
    for field in spec.fields:
        annotation = field.type.graphql
        if annotation == "date":
            imports.names("datetime", "date")
        create_fields.append(f"    {field.name}: {annotation}")
        update_fields.append(f"    {field.name}: {annotation} | None = strawberry.UNSET")
    inputs = (
        f'@strawberry.input(description="A new {name.words}, as REST\'s create body.")\n'
        f"class {cls}CreateInput:\n"
        f'    """The fields of REST\'s `{cls}Create`."""\n\n' + "\n".join(create_fields) + "\n"
    )
    update_input = (
        '@strawberry.input(description="Fields to change; an omitted (or null) one keeps its'
        ' value.")\n'
        f"class {cls}UpdateInput:\n"
        f'    """The fields of REST\'s `{cls}Update`."""\n\n' + "\n".join(update_fields) + "\n"
    )
    adapter = (
        "# A path parameter on REST: an impossible id is a 422 there, so it is one here too.\n"
        f"{id_const} = TypeAdapter[{id_type if not mongo else 'str'}]({cls}Id)\n"
    )
    info = "info: Info[GraphQLContext, None]"

    def store_call(head: str, arguments: list[str]) -> str:
        # The service call with the store handle: MongoDB's database, or the SQL session
        # taken with its lock (resolvers of one query run concurrently).
        if mongo:
            return call(head, ["info.context.mongo", *arguments], "    ") + "\n"
        return (
            "    async with info.context.postgres_session() as session:\n"
            + call(head, ["session", *arguments], "        ")
            + "\n"
        )

    check_id = (
        call("item_id = validated_value", [id_const, "id", '"path"', f'"{ident}"'], "    ") + "\n"
    )
    # Each resolver's docstring is its field's description in the schema.
    resolvers = [
        _resolver(
            f"resolve_{name.plural}", [info, "page: PageInput | None = None"], f"Page[{type_name}]"
        )
        + f'    """{name.plural_words.capitalize()} in id order, a page at a time."""\n'
        "    query = page_query(page)\n"
        + store_call(f"listing = await service.list_{name.plural}", ["query"])
        + f"    return Page.of(listing, {convert})\n",
        _resolver(f"resolve_{name.singular}", [info, f"id: {id_type}"], type_name)
        + f'    """One {name.words} by id."""\n'
        "    # NOT_FOUND if there is none.\n"
        + check_id
        + store_call(f"item = await service.get_{name.singular}", ["item_id"])
        + f"    return {convert}(item)\n",
        _resolver(
            f"resolve_create_{name.singular}",
            [info, f'data: Annotated[{cls}CreateInput, strawberry.argument(name="input")]'],
            type_name,
        )
        + f'    """Create a {name.words}."""\n'
        f"    caller = await info.context.admit({create_policy})\n"
        f'    model = validated({cls}Create, vars(data), "body")\n'
        + store_call(f"item = await service.create_{name.singular}", ["caller", "model"])
        + f"    return {convert}(item)\n",
        _resolver(
            f"resolve_update_{name.singular}",
            [
                info,
                f"id: {id_type}",
                f'data: Annotated[{cls}UpdateInput, strawberry.argument(name="input")]',
            ],
            type_name,
        )
        + f'    """Update a {name.words}."""\n'
        "    # NOT_FOUND if there is none; an omitted field keeps its value.\n"
        f"    caller = await info.context.admit({change_policy})\n" + check_id + ""
        f'    model = validated({cls}Update, vars(data), "body")\n'
        + store_call(f"item = await service.update_{name.singular}", ["caller", "item_id", "model"])
        + f"    return {convert}(item)\n",
        _resolver(f"resolve_delete_{name.singular}", [info, f"id: {id_type}"], "bool")
        + f'    """Delete a {name.words}."""\n'
        "    # True once done.\n"
        f"    caller = await info.context.admit({change_policy})\n"
        + check_id
        + store_call(f"await service.delete_{name.singular}", ["caller", "item_id"])
        + "    return True\n",
    ]
    fields = (
        f"{name.plural.upper()}_FIELDS = RootFields(\n"
        f"    queries=(root_field(resolve_{name.plural}), root_field(resolve_{name.singular})),\n"
        "    mutations=(\n"
        + "".join(
            f"        root_field(resolve_{verb}_{name.singular}, {policy}),\n"
            for verb, policy in (
                ("create", create_policy),
                ("update", change_policy),
                ("delete", change_policy),
            )
        )
        + "    ),\n)\n"
    )
    return module(
        f"{cls} fields: the listing and lookup, and the changes, over the REST service.",
        imports,
        adapter,
        object_type,
        inputs,
        update_input,
        *resolvers,
        fields,
    )
