"""The behaviour tests of a new resource: REST (and GraphQL) on fakes and on real servers."""

from fastapi_fusion.resource_source import LINE_LENGTH, Imports, call, module
from fastapi_fusion.resource_spec import ResourceSpec, Writers

# What GraphQL sends back for a sample value, where it differs from REST (`Z` vs `+00:00`).
_GRAPHQL_ECHO = {"datetime": lambda echo: echo.replace('Z"', '+00:00"')}


def _mapping(name: str, pairs: list[tuple[str, str]]) -> str:
    # One key a line with a trailing comma: ruff keeps it so.
    body = "".join(f'    "{key}": {value},\n' for key, value in pairs)
    return f"{name}: dict[str, Any] = {{\n{body}}}\n"


def _test(name: str, parameters: str) -> str:
    # ruff's layout: the signature on one line if it fits, else its parameters on the next.
    line = f"async def {name}({parameters}) -> None:"
    if len(line) <= LINE_LENGTH:
        return line + "\n"
    return f"async def {name}(\n    {parameters}\n) -> None:\n"


def behaviour_tests(spec: ResourceSpec, api_prefix: str, graphql: bool) -> str:
    """`tests/behaviour/test_NAME_api.py`: a round trip, the access rules, validation."""
    name = spec.name
    const = name.plural.upper()
    writer_kind = "admin" if spec.writers is Writers.ADMIN else "user"
    imports = Imports().names("typing", "Any").module("httpx")
    imports.names("app.core.errors", "ErrorType").names("app.core.i18n", "MessageKey", "translate")
    imports.names("tests.behaviour.domain", "API", "Accounts")
    imports.names("tests.envelope", "assert_envelope")
    first = spec.fields[0]
    head = (
        f'{const} = f"{{API}}/{name.route}"\n'
        f'RESOURCE = {{"resource": "{name.words}"}}\n'
        + _mapping("SAMPLE", [(field.name, field.type.sample) for field in spec.fields])
        + "# What REST sends back for SAMPLE.\n"
        + _mapping("ECHO", [(field.name, field.type.echo) for field in spec.fields])
        + _mapping("CHANGE", [(first.name, first.type.changed)])
    )
    signature = "api: httpx.AsyncClient, accounts: Accounts"
    writer = f'    writer = await accounts.{writer_kind}("writer")\n'
    round_trip = (
        _test("test_create_read_list_change_and_delete", signature)
        + writer
        + f"    response = await api.post({const}, json=SAMPLE, headers=writer.headers)\n"
        '    created = assert_envelope(response, 201, ErrorType.RESOURCE_CREATED)["data"]\n'
        "    assert {key: created[key] for key in ECHO} == ECHO\n"
        '    location = response.headers["Location"]\n'
        f"    assert location == f\"{{{const}}}/{{created['id']}}\"\n"
        '    assert assert_envelope(await api.get(location), 200)["data"] == created\n'
        f'    listing = assert_envelope(await api.get({const}), 200)["data"]\n'
        '    assert (listing["items"], listing["total"]) == ([created], 1)\n'
        "    response = await api.patch(location, json=CHANGE, headers=writer.headers)\n"
        '    changed = assert_envelope(response, 200)["data"]\n'
        '    assert changed == {**created, **CHANGE, "updated_at": changed["updated_at"]}\n'
        "    assert_envelope(await api.delete(location, headers=writer.headers), 200)\n"
        "    missing = assert_envelope(await api.get(location), 404, ErrorType.NOT_FOUND)\n"
        '    assert missing["message"] == translate(MessageKey.RESOURCE_NOT_FOUND, "en",'
        " RESOURCE)\n"
    )
    anonymous = (
        _test("test_writes_need_a_signed_in_caller", "api: httpx.AsyncClient")
        + f"    response = await api.post({const}, json=SAMPLE)\n"
        "    assert_envelope(response, 401, ErrorType.UNAUTHORIZED)\n"
    )
    validation = (
        _test("test_a_body_without_its_fields_is_422", signature)
        + writer
        + f"    response = await api.post({const}, json={{}}, headers=writer.headers)\n"
        "    body = assert_envelope(response, 422, ErrorType.VALIDATION_ERROR)\n"
        '    assert sorted(issue["loc"][-1] for issue in body["data"]) == sorted(SAMPLE)\n'
    )
    blocks = [head, round_trip, anonymous, validation]
    if spec.writers is Writers.OWNER:
        blocks.append(
            _test("test_only_its_owner_or_an_administrator_changes_it", signature)
            + '    owner, other = await accounts.user("owner"), await accounts.user("other")\n'
            f"    response = await api.post({const}, json=SAMPLE, headers=owner.headers)\n"
            '    created = assert_envelope(response, 201)["data"]\n'
            '    assert created["owner_id"] == owner.account_id\n'
            '    location = response.headers["Location"]\n'
            "    response = await api.patch(location, json=CHANGE, headers=other.headers)\n"
            "    refused = assert_envelope(response, 403, ErrorType.FORBIDDEN)\n"
            '    assert refused["message"] == translate(MessageKey.RESOURCE_FORBIDDEN, "en",'
            " RESOURCE)\n"
            "    response = await api.delete(location, headers=other.headers)\n"
            "    assert_envelope(response, 403, ErrorType.FORBIDDEN)\n"
            '    admin = await accounts.admin("root")\n'
            "    response = await api.patch(location, json=CHANGE, headers=admin.headers)\n"
            '    assert assert_envelope(response, 200)["data"]["owner_id"] == owner.account_id\n'
            "    assert_envelope(await api.delete(location, headers=admin.headers), 200)\n"
        )
    other_realm = "user" if spec.writers is Writers.ADMIN else "admin"
    blocks.append(
        _test("test_the_other_realm_cannot_create", signature)
        + f'    caller = await accounts.{other_realm}("outsider")\n'
        f"    response = await api.post({const}, json=SAMPLE, headers=caller.headers)\n"
        "    assert_envelope(response, 403, ErrorType.FORBIDDEN)\n"
    )
    if graphql:
        blocks += _graphql_tests(spec, signature, writer)
    return module(
        f"`{api_prefix}/{name.route}`: a round trip, the access rules and validation.",
        imports,
        *blocks,
    )


def _graphql_tests(spec: ResourceSpec, signature: str, writer: str) -> list[str]:
    name = spec.name
    selected = ["id", *(field.camel for field in spec.fields), "createdAt", "updatedAt"]
    listed = "".join(f'        "{field}",\n' for field in selected)
    create = name.camel(f"create_{name.singular}")
    listing = name.camel(name.plural)
    echo = [
        (field.camel, _GRAPHQL_ECHO.get(field.type.name, lambda text: text)(field.type.echo))
        for field in spec.fields
    ]
    sample = [(field.camel, field.type.sample) for field in spec.fields]
    head = (
        f'FIELDS = " ".join(\n    [\n{listed}    ]\n)\n'
        f'INPUT = "{name.cls}CreateInput"\n'
        f'CREATE_FIELD = "{create}"\n'
        f'LIST_FIELD = "{listing}"\n'
        'CREATE = f"mutation($input: {INPUT}!)'
        ' {{ {CREATE_FIELD}(input: $input) {{ {FIELDS} }} }}"\n'
        'LIST = f"{{ {LIST_FIELD} {{ items {{ {FIELDS} }} total }} }}"\n'
        + _mapping("GRAPHQL_SAMPLE", sample)
        + "# What GraphQL sends back for GRAPHQL_SAMPLE.\n"
        + _mapping("GRAPHQL_ECHO", echo)
    )
    helper = (
        "async def graphql(\n"
        "    api: httpx.AsyncClient, query: str, variables: dict[str, Any], headers: dict[str,"
        " str]\n"
        ") -> dict[str, Any]:\n"
        '    """POST one operation to `/graphql`; its JSON body."""\n'
        + call(
            "response = await api.post",
            ['"/graphql"', 'json={"query": query, "variables": variables}', "headers=headers"],
            "    ",
        )
        + "\n    assert response.status_code == 200, response.text\n"
        "    body: dict[str, Any] = response.json()\n"
        "    return body\n"
    )
    test = (
        _test("test_graphql_writes_and_reads_over_the_same_service", signature)
        + writer
        + '    variables = {"input": GRAPHQL_SAMPLE}\n'
        "    anonymous = await graphql(api, CREATE, variables, {})\n"
        '    [error] = anonymous["errors"]\n'
        '    assert error["extensions"]["error_type"] == ErrorType.UNAUTHORIZED.value\n'
        "    body = await graphql(api, CREATE, variables, writer.headers)\n"
        '    created = body["data"][CREATE_FIELD]\n'
        "    assert {key: created[key] for key in GRAPHQL_ECHO} == GRAPHQL_ECHO\n"
        '    listing = (await graphql(api, LIST, {}, {}))["data"][LIST_FIELD]\n'
        '    assert (listing["items"], listing["total"]) == ([created], 1)\n'
        "    rest = assert_envelope(await"
        f" api.get(f\"{{{name.plural.upper()}}}/{{created['id']}}\"), 200)\n"
        '    assert rest["data"]["id"] == created["id"]\n'
    )
    return [head, helper, test]
