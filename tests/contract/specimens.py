"""Apps built only to test the suite itself: one that breaks the contract, one that is secured.

Both come from the real factory, so the only difference from the app under contract is the
router added here. Each is served like the contract app (`target.serve`) and records into
its own registry, never the contract app's.
"""

from functools import cache
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.core.envelope import Envelope, error_responses, success
from app.core.errors import AuthError, ErrorType
from app.core.i18n import MessageKey, translate
from app.core.routing import EnvelopeRoute
from app.depends import Lang
from app.main import create_app
from tests.contract.target import ContractTarget, contract_settings, serve

broken = APIRouter(prefix="/broken", route_class=EnvelopeRoute)


@broken.get("/bare", responses=error_responses())
async def bare_dict() -> dict[str, bool]:
    """Answer outside the envelope, as a route written without the conventions would."""
    return {"ok": True}


@broken.get("/crash", responses=error_responses())
async def crash() -> Envelope[None]:
    """Raise what no handler expects; the crash net turns it into a 500 envelope."""
    raise RuntimeError("boom in /srv/app/api/orders/service.py")


@broken.get("/english", responses=error_responses())
async def english_only(lang: Lang) -> Envelope[None]:
    """Keep the envelope's shape but ignore the negotiated language."""
    del lang
    english = translate(MessageKey.SUCCESS, "en")
    return Envelope[None](error_type=ErrorType.SUCCESS, message=english, status_code=200, data=None)


SPECIMEN_TOKEN = "specimen-token"
bearer = HTTPBearer(auto_error=False)


async def specimen_principal(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> str:
    """The caller, when it presents the specimen token; 401 otherwise."""
    if credentials is None or credentials.credentials != SPECIMEN_TOKEN:
        raise AuthError
    return "specimen"


secured = APIRouter(prefix="/secured", route_class=EnvelopeRoute)


@secured.get("/me", responses=error_responses(ErrorType.UNAUTHORIZED))
async def me(principal: Annotated[str, Depends(specimen_principal)], lang: Lang) -> Envelope[str]:
    """Who the token belongs to."""
    return success(principal, lang)


def _specimen(router: APIRouter) -> ContractTarget:
    app = create_app(contract_settings("fake"))
    app.include_router(router)
    return serve(app, "fake")


@cache
def broken_target() -> ContractTarget:
    """The factory's app plus routes that break the contract."""
    return _specimen(broken)


@cache
def secured_target() -> ContractTarget:
    """The factory's app plus a bearer-secured route."""
    return _specimen(secured)
