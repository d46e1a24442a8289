"""The harness's Mongo URLs reach no real data: the run's own database is the default one."""

import pytest

from tests.harness.mongo_fixtures import mongo_server_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mongodb://h:27017", "mongodb://h:27017/"),
        ("mongodb://u:p@h/shop", "mongodb://u:p@h/?authSource=shop"),
        ("mongodb://u:p@h/shop?authSource=admin", "mongodb://u:p@h/?authSource=admin"),
    ],
)
def test_mongo_url_loses_its_database(url: str, expected: str) -> None:
    assert mongo_server_url(url) == expected
