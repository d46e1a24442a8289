"""Unit tier: the app on embedded fakes, in process, with network sockets forbidden.

`app`, `client` and the backend fixtures come from tests/harness/fixtures.py.
"""

import pytest
from pytest_socket import disable_socket

from app.settings import AppSettings, Environment, Settings
from tests.harness.fixtures import MakeSettings


def pytest_runtest_setup() -> None:
    """Forbid network sockets in every unit test (the event loop's unix socketpair is fine)."""
    disable_socket(allow_unix_socket=True)


@pytest.fixture
def settings(make_settings: MakeSettings) -> Settings:
    """Test settings with a small body limit (the guards' tests send just over it)."""
    return make_settings(app=AppSettings(environment=Environment.TEST, max_body_bytes=1024))
