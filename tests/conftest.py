"""Markers, the backend-selection option, the backend fixtures and GC settings (tests/harness)."""

import pytest

pytest_plugins = [
    "tests.harness.fixtures",
    # fusion:mysql begin
    "tests.harness.mysql_fixtures",
    # fusion:mysql end
    # fusion:mongo begin
    "tests.harness.mongo_fixtures",
    # fusion:mongo end
    "tests.harness.census",
    "tests.harness.collector",
]


def pytest_addoption(parser: pytest.Parser) -> None:
    """`--backend=fake` (in-process fakes) or `--backend=real` (servers from TEST_*_URL)."""
    parser.addoption(
        "--backend",
        choices=("fake", "real"),
        default="fake",
        help="run behaviour tests on in-process fakes or on real servers",
    )
