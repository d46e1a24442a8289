"""Starts a backend in a throwaway container when no URL is given and Docker answers."""

from collections.abc import Callable

# Pinned majors: what the app supports, not whatever `latest` is today.
IMAGES = {
    "postgres": "postgres:16-alpine",
    "mysql": "mysql:8.4",
    "mongo": "mongo:7",
    "redis": "redis:7-alpine",
}
DOCKER_PING_SECONDS = 3


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


def start(backend: str) -> tuple[str, Callable[[], None]]:
    """Start `backend`'s container; its admin URL and the function that stops it."""
    if backend == "postgres":
        from testcontainers.community.postgres import PostgresContainer

        postgres = PostgresContainer(IMAGES[backend], driver="asyncpg").start()
        return postgres.get_connection_url(), postgres.stop
    if backend == "mysql":
        from testcontainers.community.mysql import MySqlContainer

        mysql = MySqlContainer(IMAGES[backend]).start()
        host, port = mysql.get_container_host_ip(), mysql.get_exposed_port(3306)
        # root: the harness creates and drops databases.
        return f"mysql+aiomysql://root:{mysql.root_password}@{host}:{port}/mysql", mysql.stop
    if backend == "mongo":
        from testcontainers.community.mongodb import MongoDbContainer

        mongo = MongoDbContainer(IMAGES[backend]).start()
        return mongo.get_connection_url(), mongo.stop
    from testcontainers.community.redis import RedisContainer

    redis = RedisContainer(IMAGES[backend]).start()
    host, port = redis.get_container_host_ip(), redis.get_exposed_port(6379)
    return f"redis://{host}:{port}/0", redis.stop
