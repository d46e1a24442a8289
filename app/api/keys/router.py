"""`/.well-known/jwks.json`: the public keys, so other services can verify our tokens."""

from fastapi import APIRouter, Response

from app.api.keys.schema import JWK, JWKSet
from app.core.envelope import Envelope, error_responses, success
from app.core.i18n import MessageKey
from app.core.routing import EnvelopeRoute
from app.depends import JwtKeys, Lang

router = APIRouter(tags=["auth"], route_class=EnvelopeRoute)

# Short enough that a rotated-in key is seen well before it signs anything a client holds.
CACHE_SECONDS = 300


# In the envelope like every route (DESIGN): a generic JWKS client reads `data`, not the root.
@router.get("/.well-known/jwks.json", responses=error_responses())
async def jwks(keys: JwtKeys, lang: Lang, response: Response) -> Envelope[JWKSet]:
    """The RFC 7517 JWK Set (in `data`) of every key that verifies tokens right now."""
    response.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    key_set = JWKSet(keys=[JWK.model_validate(jwk) for jwk in keys.jwks()])
    return success(key_set, lang, message=MessageKey.AUTH_JWKS)
