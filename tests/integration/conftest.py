"""Integration tier: real servers only (`--backend=real`), provided by tests/harness."""

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without `--backend=real` these tests have no server to talk to: skip, saying so."""
    if config.getoption("--backend") == "real":
        return
    skip = pytest.mark.skip(reason="integration tests need --backend=real (nox -s integration)")
    for item in items:
        if "tests/integration/" in item.nodeid:
            item.add_marker(skip)
