"""Liveness and readiness endpoints."""

from fastapi import APIRouter, Request

from app.api.health.schema import BackendState, Liveness, Readiness
from app.api.health.service import check_backends
from app.core.envelope import Envelope, error_responses, success
from app.core.errors import ErrorType, ServiceUnavailableError
from app.core.i18n import MessageKey
from app.core.routing import EnvelopeRoute
from app.database.backends import OPTIONAL_BACKENDS
from app.depends import AppSettingsDep, Lang
from app.resources import resources_of

router = APIRouter(prefix="/health", tags=["health"], route_class=EnvelopeRoute)


@router.get("/live", responses=error_responses())
async def live(lang: Lang) -> Envelope[Liveness]:
    """Answer as long as the process serves requests; touches no backend."""
    return success(Liveness(), lang, message=MessageKey.HEALTH_LIVE)


@router.get("/ready", responses=error_responses(ErrorType.SERVICE_UNAVAILABLE))
async def ready(request: Request, lang: Lang, settings: AppSettingsDep) -> Envelope[Readiness]:
    """Probe each backend: its state and latency; 503 if one the instance needs is down."""
    # fusion:mongo begin
    # An optional backend (MongoDB: products and audit events, never auth) that fails is
    # `degraded`: its own routes answer 503 while the instance stays ready.
    # fusion:mongo end
    states = await check_backends(
        resources_of(request).probes, settings.app.probe_timeout_seconds, OPTIONAL_BACKENDS
    )
    readiness = Readiness(backends=states)
    if any(health.state is BackendState.DOWN for health in states.values()):
        raise ServiceUnavailableError(
            MessageKey.HEALTH_NOT_READY, data=readiness.model_dump(mode="json")
        )
    return success(readiness, lang, message=MessageKey.HEALTH_READY)
