"""Unit tier: the app on embedded fakes, in process, with network sockets forbidden.

`app`, `client` and the backend fixtures come from tests/harness/fixtures.py.
"""

import pytest
from pytest_socket import disable_socket

from app.settings import AppSettings, AuthSettings, DatabaseSettings, Environment, Settings


def pytest_runtest_setup() -> None:
    """Forbid network sockets in every unit test (the event loop's unix socketpair is fine)."""
    disable_socket(allow_unix_socket=True)


@pytest.fixture
def settings(database_settings: DatabaseSettings, auth_settings: AuthSettings) -> Settings:
    """Test settings: built explicitly so the developer's environment cannot leak in."""
    return Settings(
        app=AppSettings(environment=Environment.TEST, max_body_bytes=1024),
        database=database_settings,
        auth=auth_settings,
    )
