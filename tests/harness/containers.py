"""Starts a backend in a throwaway container when no URL is given and Docker answers."""

from collections.abc import Callable

DOCKER_PING_SECONDS = 3

# A started container: its admin URL and the function that stops it.
Started = tuple[str, Callable[[], None]]


def docker_answers() -> bool:
    """Whether a Docker engine responds within a few seconds (no engine is a normal case)."""
    try:
        import docker  # only needed when no URL is given

        client = docker.from_env(timeout=DOCKER_PING_SECONDS)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:  # any failure to talk to Docker means "no Docker"
        return False


# Each starter imports its testcontainers module only when called, and pins a major: what
# the app supports, not whatever `latest` is today.
def _postgres() -> Started:
    from testcontainers.community.postgres import PostgresContainer

    postgres = PostgresContainer("postgres:16-alpine", driver="asyncpg").start()
    return postgres.get_connection_url(), postgres.stop


def _mysql() -> Started:
    from testcontainers.community.mysql import MySqlContainer

    mysql = MySqlContainer("mysql:8.4").start()
    host, port = mysql.get_container_host_ip(), mysql.get_exposed_port(3306)
    # root: the harness creates and drops databases.
    return f"mysql+aiomysql://root:{mysql.root_password}@{host}:{port}/mysql", mysql.stop


def _mongo() -> Started:
    from testcontainers.community.mongodb import MongoDbContainer

    mongo = MongoDbContainer("mongo:7").start()
    return mongo.get_connection_url(), mongo.stop


def _redis() -> Started:
    from testcontainers.community.redis import RedisContainer

    redis = RedisContainer("redis:7-alpine").start()
    host, port = redis.get_container_host_ip(), redis.get_exposed_port(6379)
    return f"redis://{host}:{port}/0", redis.stop


STARTERS: dict[str, Callable[[], Started]] = {
    "postgres": _postgres,
    # fusion:mysql begin
    "mysql": _mysql,
    # fusion:mysql end
    # fusion:mongo begin
    "mongo": _mongo,
    # fusion:mongo end
    "redis": _redis,
}


def start(backend: str) -> Started:
    """Start `backend`'s container; its admin URL and the function that stops it."""
    return STARTERS[backend]()
