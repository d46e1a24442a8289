"""`/.well-known/jwks.json`: the public keys, so other services can verify our tokens."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from app.api.keys.schema import JWK, JWKSet
from app.core.envelope import error_responses
from app.core.routing import EnvelopeRoute
from app.depends import JwtKeys

router = APIRouter(tags=["auth"], route_class=EnvelopeRoute)

# Short enough that a rotated-in key is seen well before it signs anything a client holds.
CACHE_SECONDS = 300
JWK_SET_MEDIA_TYPE = "application/jwk-set+json"


class JWKSetResponse(JSONResponse):
    """JSON under RFC 7517's registered type (§8.5)."""

    media_type = JWK_SET_MEDIA_TYPE


# The second standard-format exception beside GraphQL: RFC 7517 §5 fixes this body, and every
# JWKS client (API gateways, other services) reads `keys` at the root, so no envelope here.
# Failures (a 500, a 405) still answer in the envelope.
@router.get(
    "/.well-known/jwks.json",
    response_model=JWKSet,
    response_class=JSONResponse,
    # The 200 is sent as JWK_SET_MEDIA_TYPE; failures stay envelopes in application/json.
    responses={
        **error_responses(),
        200: {"content": {JWK_SET_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/JWKSet"}}}},
    },
)
async def jwks(keys: JwtKeys) -> JWKSetResponse:
    """The RFC 7517 JWK Set of every key that verifies tokens right now (not enveloped)."""
    key_set = JWKSet(keys=[JWK.model_validate(jwk) for jwk in keys.jwks()])
    # JWKS clients read the registered type as JSON.
    return JWKSetResponse(
        key_set.model_dump(mode="json"),
        headers={"Cache-Control": f"public, max-age={CACHE_SECONDS}"},
    )
