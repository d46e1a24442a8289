"""The application factory: everything the app needs is built here from `Settings`."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

from app.api.health.router import router as health_router
from app.core.envelope import error_responses
from app.core.handlers import install_exception_handlers
from app.core.middleware import (
    BodySizeLimitMiddleware,
    RequestContextMiddleware,
    SecurityHeadersMiddleware,
    UnhandledErrorMiddleware,
)
from app.core.routing import EnvelopeRoute
from app.settings import Environment, Settings, get_settings

logger = logging.getLogger("app")


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app for `settings` (the environment's by default); connects to nothing yet."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Every backend client is opened here and closed after the last request.
        app.state.probes = {}
        logger.info("starting %s in %s", settings.app.project_name, settings.environment)
        yield
        logger.info("stopped")

    development = settings.environment is Environment.DEVELOPMENT
    app = FastAPI(
        title=settings.app.project_name,
        version=settings.app.version,
        # Never debug: the crash net must answer 500s, not Starlette's traceback page.
        debug=False,
        lifespan=lifespan,
        docs_url="/docs" if development else None,
        redoc_url=None,
        openapi_url="/openapi.json",
        responses=error_responses(),
        # A redirect has no envelope; an API client gets a 404 envelope for `/path/` instead.
        redirect_slashes=False,
    )
    app.router.route_class = EnvelopeRoute
    app.state.settings = settings
    install_exception_handlers(app)
    # Added innermost first: the crash net sits closest to the routes.
    app.add_middleware(UnhandledErrorMiddleware)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.app.max_body_bytes)
    if settings.cors.origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors.origins,
            allow_credentials=settings.cors.allow_credentials,
            allow_methods=["*"],
            allow_headers=["Authorization", "Content-Type", "Accept-Language", "X-Request-ID"],
            expose_headers=["X-Request-ID", "Retry-After"],
        )
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(RequestContextMiddleware)
    app.include_router(health_router)
    return app


app = create_app()
