"""`/metrics`: the Prometheus text exposition, answered only to the configured networks."""

from ipaddress import IPv4Network, IPv6Network, ip_address

from fastapi import FastAPI, Request, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.core.metrics import exposition
from app.database.pool_metrics import sample_pools
from app.resources import resources_of
from app.settings import MetricsSettings

METRICS_PATH = "/metrics"


def is_allowed(host: str | None, networks: list[IPv4Network | IPv6Network]) -> bool:
    """Whether a client at `host` may scrape (a name or an unparsable address may not)."""
    try:
        address = ip_address(host or "")
    except ValueError:
        return False
    return any(address in network for network in networks)


def install_metrics(app: FastAPI, settings: MetricsSettings) -> None:
    """Serve `METRICS_PATH` on `app`, outside the OpenAPI document."""
    networks = list(settings.allowed_networks)

    async def metrics(request: Request) -> Response:
        """The metrics of every worker, in Prometheus's text format."""
        if not is_allowed(request.client.host if request.client else None, networks):
            # The same 404 envelope as an unknown path: outsiders learn nothing.
            raise StarletteHTTPException(404)
        resources = resources_of(request)
        # This worker's pool numbers fresh; the others' come from their last sample.
        sample_pools(resources.sql_engines, resources.backends.redis.client)
        body, content_type = exposition()
        return Response(body, media_type=content_type, headers={"Cache-Control": "no-store"})

    app.add_route(METRICS_PATH, metrics, methods=["GET"], include_in_schema=False)
