"""Contract tier: hypothesis profiles, the one app of the session, ordering and the summary."""

import pytest
from hypothesis import HealthCheck, settings
from pytest_socket import disable_socket

# Registers the hooks that keep positive cases within the document's `x-` rules.
from tests.contract import hooks  # noqa: F401
from tests.contract import target as target_module
from tests.contract.auth import AuthHeaders, valid_auth_headers
from tests.contract.registry import GRAPHQL, registry_for
from tests.contract.routes import required_keys
from tests.contract.target import ContractTarget, contract_target

# `dev`: a quick local run. `ci`: more examples, derandomized so a CI failure replays exactly.
# No deadline: the first request of a route warms caches, and timing is not the contract.
settings.register_profile(
    "dev",
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "ci",
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
DEFAULT_PROFILE = "dev"

# The meta-test must see everything the rest of the suite exercised, so it runs last.
META_TEST_MODULE = "test_coverage.py"


def pytest_configure(config: pytest.Config) -> None:
    """Pick the backend before any test module builds the app; default to the `dev` profile."""
    target_module.select_backend(config.getoption("--backend"))
    target_module.keep_lifespans_for_session()
    if not config.getoption("--hypothesis-profile", default=None):
        settings.load_profile(DEFAULT_PROFILE)


def pytest_runtest_setup() -> None:
    """Forbid network sockets: the app is served in process (the loop's socketpair is fine)."""
    disable_socket(allow_unix_socket=True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Move the coverage meta-test after every other test (stable for the rest)."""
    items.sort(key=lambda item: item.path.name == META_TEST_MODULE)


@pytest.fixture(scope="session")
def target() -> ContractTarget:
    """The app under contract, its one client and its schema."""
    return contract_target()


def pytest_sessionfinish() -> None:
    """Stop every app's lifespan; a running one would keep schemathesis' loop thread alive."""
    target_module.stop_all()


@pytest.fixture(scope="session")
def auth_headers() -> AuthHeaders:
    """The hook that yields headers with a valid token for a secured operation."""
    return valid_auth_headers


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Name how many operations and examples the contract checked."""
    if contract_target.cache_info().currsize == 0 or terminalreporter.config.option.collectonly:
        return  # no contract test ran in this session
    served = contract_target()
    registry = registry_for(served.app)
    operations = sum(1 for _ in served.schema.get_all_operations())
    by_source = registry.responses
    openapi = {
        source.split(":", 1)[1]: count
        for source, count in by_source.items()
        if source.startswith("openapi:")
    }
    strategies = sum(count for source, count in by_source.items() if source.startswith("probe:"))
    required = required_keys(served.app)
    exercised = sum(1 for key in required if key in registry.exercised)
    modes = ", ".join(f"{count} {mode}" for mode, count in sorted(openapi.items()))
    graphql = {
        source.split(":", 1)[1]: count
        for source, count in by_source.items()
        if source.startswith(f"{GRAPHQL}:")
    }
    kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(graphql.items()))
    fields = registry.graphql_fields
    fields_exercised = sum(1 for key in fields if GRAPHQL in registry.exercised.get(key, ()))
    terminalreporter.write_line(
        f"contract: {operations} operations, {sum(by_source.values())} examples checked "
        f"(schemathesis {sum(openapi.values())}: {modes}; hand-written strategies {strategies}; "
        f"graphql {sum(graphql.values())}: {kinds}); "
        f"routes exercised {exercised}/{len(required)}; "
        f"graphql root fields exercised {fields_exercised}/{len(fields)}; lifespan started "
        f"{served.lifespans.startups}x, stopped {served.lifespans.shutdowns}x; "
        f"backend={served.backend}; hypothesis profile={settings.get_current_profile_name()}"
    )
