"""Counts the behaviour tests that really ran on real servers, and fails a run that lost some.

The unit tier collects the same `tests/behaviour` files on fakes, with the same parameters
(the backend is a fixture, never a collection-time choice), so the API tests collected here
are the unit tier's. On `--backend=real`, each of them must pass here too: one skipped or
failing leaves fewer than the unit tier ran and turns the run red.
"""

from dataclasses import dataclass, field

import pytest

BEHAVIOUR = "tests/behaviour/"
# The fixture every test that goes through the running app depends on.
APP = "app"
# The conformance parameter (tests/harness/fixtures.py): its fake side is not a real run.
SIDE = "store_side"


def on_real_side(item: pytest.Item) -> bool:
    """Whether the item is not the fake side of a conformance pair."""
    callspec = getattr(item, "callspec", None)
    return callspec is None or callspec.params.get(SIDE, "real") == "real"


@dataclass(eq=False)  # a plugin: pluggy keeps it in sets, so it hashes by identity
class Census:
    """Which behaviour tests were collected, and which of them ran to a pass."""

    config: pytest.Config
    api: set[str] = field(default_factory=set)
    store: set[str] = field(default_factory=set)
    passed: set[str] = field(default_factory=set)
    narrowed: bool = False

    @property
    def api_ran(self) -> int:
        """API tests that ran to a pass."""
        return len(self.api & self.passed)

    @property
    def ran(self) -> int:
        """Behaviour tests of either kind that ran to a pass (real side only)."""
        return len((self.api | self.store) & self.passed)

    def short(self) -> bool:
        """Whether fewer API tests passed than were collected, on a full selection."""
        return not self.narrowed and self.api_ran < len(self.api)

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        """Sort the collected behaviour tests into API (through the app) and store-level."""
        for item in items:
            if item.nodeid.startswith(BEHAVIOUR) and on_real_side(item):
                kind = self.api if APP in getattr(item, "fixturenames", ()) else self.store
                kind.add(item.nodeid)

    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        """A `-k`/`-m` selection makes the comparison meaningless: count without judging."""
        self.narrowed = self.narrowed or bool(items)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Remember the tests whose body ran and passed (a skip or an xfail is not a pass)."""
        if report.when == "call" and report.passed:
            self.passed.add(report.nodeid)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """On real servers: fail the run if API tests of the unit tier did not run."""
        if self.judged() and self.short():
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        """On real servers: how many behaviour tests ran, next to the unit tier's API tests."""
        if not self.judged():
            return
        if self.narrowed:
            verdict = "selection narrowed, not compared"
        else:
            verdict = "all ran" if not self.short() else "SHORT: some did not run"
        terminalreporter.write_sep(
            "-",
            f"real backends: {self.ran} behaviour tests ran, {self.api_ran} of them through "
            f"the app's API (the unit tier runs {len(self.api)} API tests): {verdict}",
        )

    def judged(self) -> bool:
        """Whether this run is one the census speaks about: real servers, tests executed."""
        real = self.config.getoption("--backend") == "real"
        return real and not self.config.option.collectonly and bool(self.api or self.store)


def pytest_configure(config: pytest.Config) -> None:
    """Register this session's census."""
    config.pluginmanager.register(Census(config), "behaviour-census")
