"""Redis URLs beyond one plain node: TLS (`rediss://`) and Sentinel groups.

A Sentinel URL names the sentinels, the monitored service and the database:

    redis+sentinel://[[username]:password@]host:port[,host:port...]/service_name[/db]

`rediss+sentinel://` connects to the data nodes over TLS. Credentials are the data nodes'
(the sentinels are asked without them); a host without a port is on 26379.
"""

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import redis.asyncio
from redis.asyncio.connection import BlockingConnectionPool, ConnectionPool
from redis.asyncio.sentinel import Sentinel, SentinelConnectionPool

SENTINEL_SCHEMES = ("redis+sentinel", "rediss+sentinel")
DEFAULT_SENTINEL_PORT = 26379


class RedisURLError(ValueError):
    """A Redis URL this app cannot use."""


@dataclass(frozen=True)
class SentinelURL:
    """The parts of a Sentinel URL."""

    sentinels: tuple[tuple[str, int], ...]
    service_name: str
    db: int = 0
    username: str | None = None
    password: str | None = None
    ssl: bool = False


def is_sentinel_url(url: str) -> bool:
    """Whether `url` names a Sentinel group rather than one server."""
    return url.split("://", 1)[0].lower() in SENTINEL_SCHEMES


def _host_port(text: str) -> tuple[str, int]:
    # "[::1]:26379", "[::1]", "host:26379" or "host".
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port = rest.removeprefix(":")
    else:
        host, _, port = text.partition(":")
    if not host:
        raise RedisURLError("a sentinel address has no host")
    if not port:
        return host, DEFAULT_SENTINEL_PORT
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise RedisURLError(f"sentinel port {port!r} is not a port number")
    return host, int(port)


def parse_sentinel_url(url: str) -> SentinelURL:
    """Split a `redis+sentinel://` URL into its parts; `RedisURLError` says what is wrong."""
    if not is_sentinel_url(url):
        raise RedisURLError("not a redis+sentinel:// or rediss+sentinel:// URL")
    parts = urlsplit(url)
    credentials, _, hosts = parts.netloc.rpartition("@")
    username = password = None
    if credentials:
        user, has_password, secret = credentials.partition(":")
        username = unquote(user) or None
        password = unquote(secret) if has_password else None
    sentinels = tuple(_host_port(item.strip()) for item in hosts.split(",") if item.strip())
    if not sentinels:
        raise RedisURLError("a Sentinel URL names at least one sentinel")
    path = [segment for segment in parts.path.split("/") if segment]
    if not path or len(path) > 2:
        raise RedisURLError("the path is /service_name or /service_name/db")
    db = path[1] if len(path) == 2 else "0"
    if not db.isdigit():
        raise RedisURLError(f"database {db!r} is not a number")
    return SentinelURL(
        sentinels=sentinels,
        service_name=unquote(path[0]),
        db=int(db),
        username=username,
        password=password,
        ssl=parts.scheme.lower() == "rediss+sentinel",
    )


class BlockingSentinelConnectionPool(SentinelConnectionPool, BlockingConnectionPool):
    """Connections to the group's current primary; a caller waits when all are in use."""


def connection_pool(
    url: str,
    *,
    max_connections: int,
    wait_seconds: float,
    socket_timeout: float,
    decode_responses: bool,
) -> ConnectionPool:
    """A pool for `url` (redis://, rediss:// or a Sentinel URL) that waits for a free connection.

    A caller finding every connection busy waits up to `wait_seconds` for one, then gets
    `redis.exceptions.ConnectionError` (the app answers 503) instead of failing at once.
    """
    options: dict[str, object] = {
        "max_connections": max_connections,
        "timeout": wait_seconds,
        "socket_timeout": socket_timeout,
        "socket_connect_timeout": socket_timeout,
        "decode_responses": decode_responses,
    }
    if not is_sentinel_url(url):
        return BlockingConnectionPool.from_url(url, **options)
    parsed = parse_sentinel_url(url)
    # redis-py's Sentinel classes carry no annotations.
    sentinel = Sentinel(  # type: ignore[no-untyped-call]
        list(parsed.sentinels),
        sentinel_kwargs={
            "socket_timeout": socket_timeout,
            "socket_connect_timeout": socket_timeout,
        },
    )
    return BlockingSentinelConnectionPool(  # type: ignore[no-untyped-call]
        parsed.service_name,
        sentinel,
        db=parsed.db,
        username=parsed.username,
        password=parsed.password,
        ssl=parsed.ssl,
        **options,
    )


def client_for(pool: ConnectionPool) -> "redis.asyncio.Redis":
    """A client on `pool` that closes the pool when it is closed."""
    return redis.asyncio.Redis.from_pool(pool)
