"""Fleet tier: app processes behind nginx, and Redis Sentinel failover (real servers)."""

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without `--backend=real` there is no server to run a fleet on: skip, saying so."""
    if config.getoption("--backend") == "real":
        return
    skip = pytest.mark.skip(reason="fleet tests need --backend=real (nox -s fleet / failover)")
    for item in items:
        if "tests/fleet/" in item.nodeid:
            item.add_marker(skip)
