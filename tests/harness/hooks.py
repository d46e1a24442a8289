"""The harness's pytest hooks: the backend option, conformance pairs, tiers, the leftover check.

Loaded as a plugin by tests/conftest.py; the fixtures are in `fixtures.py` and the backend
table in `backends.py`.
"""

import asyncio

import pytest
from pytest_socket import disable_socket

from tests.harness.backends import RunBackends
from tests.harness.divergences import DIVERGENCES

STORE_SIDE = "store_side"
# This run's backends, once a test asked for one; the session-end check reads it.
RUN_BACKENDS = pytest.StashKey[RunBackends]()
# Tiers with no fake to run on: without `--backend=real` their tests skip, saying why.
REAL_ONLY_TIERS = {
    "tests/integration/": "integration tests need --backend=real (nox -s integration)",
    "tests/fleet/": "fleet tests need --backend=real (nox -s fleet / failover)",
}
# Tiers that never open a network socket, whatever the backend.
NO_NETWORK_TIERS = ("tests/unit/",)


def is_real(config: pytest.Config) -> bool:
    """Whether this run uses real servers (`--backend=real`)."""
    return bool(config.getoption("--backend") == "real")


def on_fake(config: pytest.Config, item: pytest.Item) -> bool:
    """Whether the item runs on fakes: the unit tier, or the fake side of a conformance pair."""
    callspec = getattr(item, "callspec", None)
    side = callspec.params.get(STORE_SIDE) if callspec is not None else None
    return not is_real(config) or side == "fake"


def pytest_addoption(parser: pytest.Parser) -> None:
    """`--backend=fake` (in-process fakes) or `--backend=real` (servers from TEST_*_URL)."""
    parser.addoption(
        "--backend",
        choices=("fake", "real"),
        default="fake",
        help="run behaviour tests on in-process fakes or on real servers",
    )


def pytest_runtest_setup(item: pytest.Item) -> None:
    """On fakes, and in the unit tier always, no test may open a network socket."""
    # The event loop's unix socket pair is fine.
    if not is_real(item.config) or item.nodeid.startswith(NO_NETWORK_TIERS):
        disable_socket(allow_unix_socket=True)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """On real servers, a store-level behaviour test also runs on the fakes, in this session.

    That is the conformance suite: one body, `[fake]` and `[real]`, so a fake that drifts
    from its server fails the build. Tests through the app (`app`) run on real servers only.
    """
    if (
        is_real(metafunc.config)
        and STORE_SIDE in metafunc.fixturenames
        and "app" not in metafunc.fixturenames
        and metafunc.definition.nodeid.startswith("tests/behaviour/")
    ):
        metafunc.parametrize(STORE_SIDE, ["fake", "real"], indirect=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On fakes, a divergence-marked test is a strict xfail and a real-only tier skips."""
    for item in items:
        for tier, reason in REAL_ONLY_TIERS.items():
            if not is_real(config) and tier in item.nodeid:
                item.add_marker(pytest.mark.skip(reason=reason))
        for marker in item.iter_markers("divergence"):
            reason = DIVERGENCES[marker.args[0]]
            if on_fake(config, item):
                item.add_marker(pytest.mark.xfail(strict=True, reason=f"fake diverges: {reason}"))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """After every fixture is torn down: fail the run if it left anything on a server."""
    backends = session.config.stash.get(RUN_BACKENDS, None)
    if backends is None or not backends.created:
        return
    left = asyncio.run(backends.leftovers())
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        names = ", ".join(sorted({f"{kind} {name}" for kind, _, name in backends.created}))
        verdict = "nothing left" if not left else "LEFT BEHIND: " + "; ".join(left)
        reporter.ensure_newline()
        reporter.write_line(f"throwaway check ({names}): {verdict}")
    if left:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
