"""The live OpenAPI document itself: every status it lists is documented with an envelope."""

from typing import Any

from app.core.envelope import COMMON_ERRORS
from tests.contract.routes import HTTP_METHODS, STANDARD_FORMAT_PATHS
from tests.contract.target import ContractTarget


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method.upper() in HTTP_METHODS and path not in STANDARD_FORMAT_PATHS
    ]


def _schema_ref(response: dict[str, Any]) -> str:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    return str(schema.get("$ref", ""))


def _is_error(status: str) -> bool:
    # Ranges ("4XX") and "default" count as errors: only explicit 1xx-3xx are successes.
    return not (status.isdigit() and int(status) < 400)


def test_no_framework_error_schemas(target: ContractTarget) -> None:
    schemas = target.schema.raw_schema["components"]["schemas"]
    assert not {"HTTPValidationError", "ValidationError"} & set(schemas)


def test_every_error_status_is_the_error_envelope(target: ContractTarget) -> None:
    wrong = [
        f"{method} {path} {status}: {_schema_ref(response) or 'no JSON schema'}"
        for method, path, operation in _operations(target.schema.raw_schema)
        for status, response in operation["responses"].items()
        if _is_error(status) and not _schema_ref(response).endswith("/ErrorEnvelope")
    ]
    assert wrong == []


def test_every_success_status_is_an_envelope(target: ContractTarget) -> None:
    wrong = [
        f"{method} {path} {status}: {_schema_ref(response) or 'no JSON schema'}"
        for method, path, operation in _operations(target.schema.raw_schema)
        for status, response in operation["responses"].items()
        if not _is_error(status) and "/Envelope_" not in _schema_ref(response)
    ]
    assert wrong == []


def test_every_operation_documents_the_common_errors(target: ContractTarget) -> None:
    # What any route can answer (body checks, validation, crash) must be in its responses.
    common = {str(error_type.status_code) for error_type in COMMON_ERRORS}
    missing = [
        f"{method} {path}: {sorted(common - set(operation['responses']))}"
        for method, path, operation in _operations(target.schema.raw_schema)
        if not common <= set(operation["responses"])
    ]
    assert missing == []
