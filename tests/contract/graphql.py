"""The GraphQL side of the contract: the live schema, documents with variables, one probe."""

import dataclasses
import json
from collections.abc import Mapping
from functools import cache
from typing import Any
from urllib.parse import urlencode

import graphql
import schemathesis
from schemathesis.specs.graphql.schemas import GraphQLSchema

from app.main import create_app
from app.resources import settings_of
from app.settings import Settings
from tests.contract.probes import send
from tests.contract.registry import GRAPHQL, GRAPHQL_KEY, registry_for
from tests.contract.routes import RouteKey
from tests.contract.target import SCHEMATHESIS_CONFIG, ContractTarget, contract_target
from tests.envelope import check_graphql_exchange

GRAPHQL_PATH = "/graphql"


def root_fields(schema: graphql.GraphQLSchema) -> set[RouteKey]:
    """Every Query and Mutation field of `schema`, keyed `("GRAPHQL", "Query.me")`."""
    roots = [root for root in (schema.query_type, schema.mutation_type) if root is not None]
    return {(GRAPHQL_KEY, f"{root.name}.{name}") for root in roots for name in root.fields}


def _introspectable(settings: Settings) -> Settings:
    graphql_settings = settings.graphql.model_copy(update={"introspection": True})
    return settings.model_copy(update={"graphql": graphql_settings})


@cache
def graphql_schema() -> GraphQLSchema:
    """The contract app's GraphQL schema, loaded by schemathesis; its root fields registered."""
    target = contract_target()
    # The app under contract serves GraphQL as production does: no introspection, and no
    # GraphiQL (which would answer a GET without a query with an HTML page). Its twin, built by
    # the same factory from the same settings but with introspection on, is only asked for the
    # schema; every case then goes to the app under contract, and its positive documents prove
    # that app serves each field of it (an unknown field is a validation error there).
    twin = create_app(_introspectable(settings_of(target.app)))
    config = schemathesis.Config.from_dict(SCHEMATHESIS_CONFIG)
    schema = schemathesis.graphql.from_asgi(GRAPHQL_PATH, twin, config=config)
    schema.app = target.app
    registry_for(target.app).graphql_fields = root_fields(schema.client_schema)
    return schema


def _argument_type(schema: graphql.GraphQLSchema, root: str, field: str, argument: str) -> str:
    root_type = schema.get_type(root)
    assert isinstance(root_type, graphql.GraphQLObjectType)
    return str(root_type.fields[field].args[argument].type)


def with_variables(
    schema: graphql.GraphQLSchema, root: str, document: str
) -> tuple[str, dict[str, Any]]:
    """The same operation with every root field's arguments sent as variables instead."""
    parsed = graphql.parse(document)
    definitions: list[Any] = []
    variables: dict[str, Any] = {}
    for definition in parsed.definitions:
        if not isinstance(definition, graphql.OperationDefinitionNode):
            definitions.append(definition)
            continue
        declared: list[graphql.VariableDefinitionNode] = []
        selections: list[Any] = []
        for selection in definition.selection_set.selections:
            if not isinstance(selection, graphql.FieldNode) or not selection.arguments:
                selections.append(selection)
                continue
            arguments = []
            for argument in selection.arguments:
                name = f"v{len(variables)}"
                variable = graphql.VariableNode(name=graphql.NameNode(value=name))
                variables[name] = graphql.value_from_ast_untyped(argument.value)
                kind = _argument_type(schema, root, selection.name.value, argument.name.value)
                declared.append(
                    graphql.VariableDefinitionNode(variable=variable, type=graphql.parse_type(kind))
                )
                arguments.append(dataclasses.replace(argument, value=variable))
            selections.append(dataclasses.replace(selection, arguments=tuple(arguments)))
        selection_set = dataclasses.replace(definition.selection_set, selections=tuple(selections))
        definitions.append(
            dataclasses.replace(
                definition, variable_definitions=tuple(declared), selection_set=selection_set
            )
        )
    printed = graphql.print_ast(dataclasses.replace(parsed, definitions=tuple(definitions)))
    return printed, variables


def probe_graphql(
    target: ContractTarget,
    key: RouteKey | None,
    source: str,
    payload: Mapping[str, Any] | bytes,
    headers: Mapping[str, str] | None = None,
    method: str = "POST",
) -> dict[str, Any]:
    """Send one GraphQL request, check it with the shared helper, record it; return the body."""
    sent = {"Content-Type": "application/json", **(headers or {})}
    if method == "GET":
        assert isinstance(payload, Mapping)
        # GraphQL-over-HTTP's GET: the request parameters in the query string, JSON-encoded.
        query = {
            name: value if isinstance(value, str) else json.dumps(value)
            for name, value in payload.items()
        }
        exchange, _ = send(target, "GET", f"{GRAPHQL_PATH}?{urlencode(query)}", headers)
    else:
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        exchange, _ = send(target, "POST", GRAPHQL_PATH, sent, body)
    answer = check_graphql_exchange(exchange)
    registry_for(target.app).record(key, f"{GRAPHQL}:{source}")
    return answer
