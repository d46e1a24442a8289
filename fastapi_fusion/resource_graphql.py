"""The GraphQL side of a new resource: its types, query and mutations over the REST service."""

from fastapi_fusion.resource_source import Imports, call, module
from fastapi_fusion.resource_spec import ResourceSpec, Store


def _field(name: str, annotation: str, resolver: str, extra: list[str], description: str) -> str:
    # One argument a line with a trailing comma: ruff keeps it whatever the names' length.
    arguments = [f"resolver={resolver}", *extra, f'description="{description}"']
    body = "".join(f"        {argument},\n" for argument in arguments)
    return f"    {name}: {annotation} = strawberry.field(\n{body}    )"


def _resolver(head: str, parameters: list[str], returns: str) -> str:
    body = "".join(f"    {parameter},\n" for parameter in parameters)
    return f"async def {head}(\n{body}) -> {returns}:\n"


def graphql_module(spec: ResourceSpec) -> str:
    """`app/graphql/NAME.py`: the object, page and input types, resolvers and root parts."""
    name, cls = spec.name, spec.name.cls
    mongo = spec.store is Store.MONGO
    type_name, id_const = f"{cls}Type", f"{name.singular.upper()}_ID"
    ident = f"{name.singular}_id"
    create_policy, change_policy = spec.access.create, spec.access.change
    imports = Imports().names("datetime", "datetime").names("typing", "Annotated")
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
    imports.names("app.graphql.inputs", "PageInput", "page_query", "validated", "validated_value")
    imports.names("app.graphql.permissions", "permission").names("app.graphql.types", "copied")
    id_type = "strawberry.ID" if mongo else "int"
    fields = [f"    id: {id_type}"] + (["    owner_id: int"] if spec.owned else [])
    create_fields, update_fields = [], []
    computed = ["id=strawberry.ID(item.id)"] if mongo else []
    for field in spec.fields:
        annotation = field.type.graphql
        if annotation == "date":
            imports.names("datetime", "date")
        fields.append(f"    {field.name}: {annotation}")
        create_fields.append(f"    {field.name}: {annotation}")
        update_fields.append(f"    {field.name}: {annotation} | None = strawberry.UNSET")
        if field.type.name == "decimal":
            imports.names(f"app.api.{name.plural}.schema", "format_amount")
            computed.append(f"{field.name}=format_amount(item.{field.name})")
    fields += ["    created_at: datetime", "    updated_at: datetime"]
    of = call("return copied", ["cls", "item", *computed], "        ")
    object_type = (
        f'@strawberry.type(name="{cls}")\n'
        f"class {type_name}:\n"
        f'    """A {name.words}, the fields of REST\'s `{cls}Out`."""\n\n'
        + "\n".join(fields)
        + "\n\n    @classmethod\n"
        f'    def of(cls, item: {cls}Out) -> "{type_name}":\n'
        f'        """The GraphQL view of the {name.words} the service returned."""\n'
        f"{of}\n"
    )
    page = (
        f'@strawberry.type(name="{cls}Page")\n'
        f"class {cls}Page:\n"
        f'    """One page of {name.plural_words} in id order, out of `total`."""\n\n'
        f"    items: list[{type_name}]\n    total: int\n    offset: int\n    limit: int\n"
    )
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
            return call(head, ["context.mongo", *arguments], "    ") + "\n"
        return (
            "    async with context.postgres_session() as session:\n"
            + call(head, ["session", *arguments], "        ")
            + "\n"
        )

    check_id = call("item_id = validated_value", [id_const, "id", '"path"', f'"{ident}"'], "    ")
    resolvers = [
        _resolver(f"resolve_{name.plural}", [info, "page: PageInput | None = None"], f"{cls}Page")
        + f'    """{name.plural_words.capitalize()} in id order, a page at a time."""\n'
        "    context = info.context\n"
        "    query = page_query(page)\n"
        + store_call(f"listing = await service.list_{name.plural}", ["query"])
        + f"    return {cls}Page(\n"
        f"        items=[{type_name}.of(item) for item in listing.items],\n"
        "        total=listing.total,\n"
        "        offset=listing.offset,\n"
        "        limit=listing.limit,\n"
        "    )\n",
        _resolver(f"resolve_{name.singular}", [info, f"id: {id_type}"], type_name)
        + f'    """The {name.words} with this id; NOT_FOUND if there is none."""\n'
        "    context = info.context\n"
        + check_id
        + "\n"
        + store_call(f"item = await service.get_{name.singular}", ["item_id"])
        + f"    return {type_name}.of(item)\n",
        _resolver(
            f"resolve_create_{name.singular}",
            [info, f'data: Annotated[{cls}CreateInput, strawberry.argument(name="input")]'],
            type_name,
        )
        + f'    """Add a {name.words} ({create_policy.lower()} policy)."""\n'
        "    context = info.context\n"
        f"    caller = await context.admit({create_policy})\n"
        f'    model = validated({cls}Create, vars(data), "body")\n'
        + store_call(f"item = await service.create_{name.singular}", ["caller", "model"])
        + f"    return {type_name}.of(item)\n",
        _resolver(
            f"resolve_update_{name.singular}",
            [
                info,
                f"id: {id_type}",
                f'data: Annotated[{cls}UpdateInput, strawberry.argument(name="input")]',
            ],
            type_name,
        )
        + f'    """Change a {name.words}\'s given fields; NOT_FOUND if there is none."""\n'
        "    context = info.context\n"
        f"    caller = await context.admit({change_policy})\n" + check_id + "\n"
        f'    model = validated({cls}Update, vars(data), "body")\n'
        + store_call(f"item = await service.update_{name.singular}", ["caller", "item_id", "model"])
        + f"    return {type_name}.of(item)\n",
        _resolver(f"resolve_delete_{name.singular}", [info, f"id: {id_type}"], "bool")
        + f'    """Delete a {name.words}; true once done."""\n'
        "    context = info.context\n"
        f"    caller = await context.admit({change_policy})\n"
        + check_id
        + "\n"
        + store_call(f"await service.delete_{name.singular}", ["caller", "item_id"])
        + "    return True\n",
    ]
    query = (
        "@strawberry.type\n"
        f"class {name.plural_cls}Query:\n"
        f'    """Public reads of {name.plural_words}."""\n\n'
        + _field(
            name.plural,
            f"{cls}Page",
            f"resolve_{name.plural}",
            [],
            f"{name.plural_words.capitalize()} in id order, a page at a time.",
        )
        + "\n"
        + _field(
            name.singular, type_name, f"resolve_{name.singular}", [], f"One {name.words} by id."
        )
        + "\n"
    )
    mutation = (
        "@strawberry.type\n"
        f"class {name.plural_cls}Mutation:\n"
        f'    """Changes to {name.plural_words}, each under its declared access policy."""\n\n'
        + "\n".join(
            _field(
                f"{verb}_{name.singular}",
                "bool" if verb == "delete" else type_name,
                f"resolve_{verb}_{name.singular}",
                [f"permission_classes=[permission({policy})]"],
                f"{verb.capitalize()} a {name.words}.",
            )
            for verb, policy in (
                ("create", create_policy),
                ("update", change_policy),
                ("delete", change_policy),
            )
        )
        + "\n"
    )
    return module(
        f"{cls} fields: the listing and lookup, and the changes, over the REST service.",
        imports,
        adapter,
        object_type,
        page,
        inputs,
        update_input,
        *resolvers,
        query,
        mutation,
    )
