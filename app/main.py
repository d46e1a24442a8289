"""The application factory: everything the app needs is built here from `Settings`."""

import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from app.api.auth.docs import install_swagger_ui
from app.api.auth.lifespan import auth_resources
from app.api.domains import API_PREFIX, API_ROUTERS, UNVERSIONED_ROUTERS
from app.api.metrics.router import install_metrics
from app.core.admission import AdmissionMiddleware
from app.core.application import FusionAPI
from app.core.breaker import CircuitBreaker
from app.core.envelope import error_responses
from app.core.handlers import install_exception_handlers, install_unavailable_handler
from app.core.logging import configure_logging
from app.core.middleware import RequestContextMiddleware, RequestGuardMiddleware
from app.core.routing import EnvelopeRoute
from app.core.telemetry import TELEMETRY_OFF, Telemetry, telemetry_from_environment
from app.database.availability import DRIVER_ERRORS, is_backend_unavailable
from app.database.backends import open_backends
from app.database.pool_metrics import pool_sampler
from app.graphql.router import graphql_router
from app.resources import Resources, attach_resources, attach_settings
from app.settings import Environment, Settings, get_settings

logger = logging.getLogger("app")


def create_app(settings: Settings | None = None, telemetry: Telemetry | None = None) -> FastAPI:
    """Build the app for `settings` and `telemetry` (the environment's by default); no I/O yet."""
    settings = settings or get_settings()
    # Decided once here: with no OTEL_* endpoint, tracing is off and costs a request nothing.
    telemetry = telemetry or telemetry_from_environment()
    configure_logging(settings.app.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Every backend client is opened here and closed after the last request.
        logger.info("starting %s in %s", settings.app.project_name, settings.environment)
        async with AsyncExitStack() as stack:
            if telemetry is not None:
                # Before the clients exist: PyMongo's listener reaches only clients made later.
                stack.enter_context(telemetry.instrumented())
            backends = await stack.enter_async_context(open_backends(settings.database))
            roles = (backends.postgres, backends.admins)
            sql_engines = {database.name: database.engine for database in roles}
            if telemetry is not None:
                stack.enter_context(telemetry.instrumented_sql(sql_engines.values()))
            if settings.metrics.enabled:
                interval = settings.metrics.sample_interval_seconds
                sampler = pool_sampler(sql_engines, backends.redis.client, interval)
                await stack.enter_async_context(sampler)
            resources = Resources(
                backends=backends,
                probes=backends.probes(),
                sql_engines=sql_engines,
                audit_breaker=CircuitBreaker("audit", failure_threshold=3, reset_seconds=15),
                auth=await stack.enter_async_context(auth_resources(settings)),
            )
            attach_resources(app, resources)
            yield
        logger.info("stopped")

    development = settings.environment is Environment.DEVELOPMENT
    # FastAPI with routers copied flat into one route table: see app/core/application.py.
    app = FusionAPI(
        title=settings.app.project_name,
        version=settings.app.version,
        # Never debug: the crash net must answer 500s, not Starlette's traceback page.
        debug=False,
        lifespan=lifespan,
        # Our own page below: its "Authorize" can read the token out of the envelope.
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        responses=error_responses(),
        # A redirect has no envelope; an API client gets a 404 envelope for `/path/` instead.
        redirect_slashes=False,
        telemetry=TELEMETRY_OFF if telemetry is None else telemetry.fastapi_config(),
    )
    app.router.route_class = EnvelopeRoute
    attach_settings(app, settings)
    install_exception_handlers(app)
    install_unavailable_handler(app, DRIVER_ERRORS, is_backend_unavailable)
    # Added innermost first: the body limit and crash net sit closest to the routes.
    app.add_middleware(RequestGuardMiddleware, max_bytes=settings.app.max_body_bytes)
    # Inside CORS and the request context: a shed request still has its id, language and
    # CORS headers, so a browser can read the 503.
    app.add_middleware(
        AdmissionMiddleware,
        max_concurrency=settings.server.max_concurrency
        or settings.database.pool_size + settings.database.max_overflow,
        max_queue=settings.server.max_queue,
        queue_timeout=settings.server.queue_timeout_seconds,
    )
    if settings.cors.origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors.origins,
            allow_credentials=settings.cors.allow_credentials,
            allow_methods=["*"],
            allow_headers=["Authorization", "Content-Type", "Accept-Language", "X-Request-ID"],
            expose_headers=["X-Request-ID", "Retry-After"],
        )
    app.add_middleware(
        RequestContextMiddleware,
        metrics=settings.metrics.enabled,
        trace_ids=telemetry is not None,
    )
    if settings.server.trusted_proxies:
        # Outermost: the access log, the login limiter and session records all read the
        # resolved client address (`request.client.host`), never the proxy's.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.server.trusted_proxies)
    if development:
        install_swagger_ui(app)
    for router in UNVERSIONED_ROUTERS:
        app.include_router(router)
    for router in API_ROUTERS:
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(graphql_router(settings, telemetry))
    if settings.metrics.enabled:
        install_metrics(app, settings.metrics)
    return app


app = create_app()
