"""schemathesis over the app's own OpenAPI document, positive and negative, in process."""

from tests.contract.auth import AuthHeaders
from tests.contract.checks import GeneratedCase, run_case
from tests.contract.routes import GRAPHQL_PATHS, STANDARD_FORMAT_PATHS
from tests.contract.target import ContractTarget, contract_target

# Built at collection so each operation becomes its own test; the same object the fixtures use.
# GraphQL answers carry the envelope in `errors[].extensions`, not at the top (see routes.py).
schema = contract_target().schema.exclude(path=sorted(GRAPHQL_PATHS | STANDARD_FORMAT_PATHS))


@schema.parametrize()
def test_operation_keeps_the_contract(
    case: GeneratedCase, target: ContractTarget, auth_headers: AuthHeaders
) -> None:
    """Every generated request gets a documented, schema-conformant envelope, never a 5xx."""
    run_case(case, target.client, auth_headers)
