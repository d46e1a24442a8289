"""The harness's plugins: hooks, the backend fixtures (one module per optional backend), checks."""

pytest_plugins = [
    "tests.harness.hooks",
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
