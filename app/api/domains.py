"""The domains the API serves, one line each: `create_app` mounts every router listed here.

Routers declare paths relative to their domain (`/auth`, `/products`); `API_PREFIX` is
applied to them here only. Removing a domain is removing its lines here and its package.
"""

from fastapi import APIRouter

from app.api.admins.router import router as admins_router
from app.api.admins.router import users_router as admin_users_router
from app.api.audit.router import router as audit_router
from app.api.auth.router import router as auth_router
from app.api.categories.router import router as categories_router
from app.api.health.router import router as health_router
from app.api.keys.router import router as keys_router
from app.api.paths import API_PREFIX
from app.api.products.router import router as products_router
from app.api.users.router import router as users_router

# Outside the versioned API: probes and published keys, at paths operators and clients fix.
UNVERSIONED_ROUTERS: tuple[APIRouter, ...] = (
    health_router,
    keys_router,
)

# Under API_PREFIX, one domain a line.
API_ROUTERS: tuple[APIRouter, ...] = (
    auth_router,
    users_router,
    admins_router,
    admin_users_router,
    categories_router,
    # fusion:mongo begin
    products_router,
    audit_router,
    # fusion:mongo end
)

__all__ = ["API_PREFIX", "API_ROUTERS", "UNVERSIONED_ROUTERS"]
