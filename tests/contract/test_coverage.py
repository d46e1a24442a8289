"""The coverage meta-test: runs last and fails when any route escaped the contract suite."""

from tests.contract.auth import rejected_tokens, secured_keys
from tests.contract.registry import registry_for
from tests.contract.routes import required_keys, serves_graphql
from tests.contract.target import ContractTarget

# Every hand-written strategy must have run, or a deselected one would pass unnoticed.
PROBES = {"unknown-path", "wrong-method", "body", "oversized", "headers", "path-params"}


def test_every_route_and_operation_was_exercised(target: ContractTarget) -> None:
    registry = registry_for(target.app)
    # GraphQL root fields come from the live schema (loaded by the GraphQL contract); each one
    # must have been generated for, and sent both without and with a valid token.
    fields = registry.graphql_fields
    required = required_keys(target.app) | fields
    problems = registry.missing(required, secured_keys(target.schema.raw_schema) | fields)
    if serves_graphql(target.app) and not fields:
        problems.append("/graphql is mounted but the GraphQL contract never loaded its schema")
    assert problems == [], "\n".join(problems)


def test_secured_operations_come_with_tokens_to_refuse(target: ContractTarget) -> None:
    secured = secured_keys(target.schema.raw_schema)
    tokens = rejected_tokens(target.app)
    # Checked both ways so the assertion holds today (no security) and bites once it lands.
    assert bool(tokens) or not secured, (
        f"{sorted(secured)} are secured: list forged, expired and other-realm tokens in "
        "tests.contract.auth.rejected_tokens"
    )


def test_every_hand_written_strategy_ran(target: ContractTarget) -> None:
    responses = registry_for(target.app).responses
    ran = {source.split(":", 1)[1] for source in responses if source.startswith("probe:")}
    assert ran >= PROBES, f"never ran: {sorted(PROBES - ran)}"


def test_the_lifespan_ran_once_for_the_whole_session(target: ContractTarget) -> None:
    assert (target.lifespans.startups, target.lifespans.shutdowns) == (1, 0)
