"""The route-side half of `Idempotency-Key`: settle a claim when the handler ends, replay one.

The claim itself (who, which key, which body, stored where) is made by a dependency
(`app.api.idempotency`) after authentication; it leaves itself in the request's scope, and
`EnvelopeRoute` settles it once the handler has answered (the unit of work has committed
by then) or failed. A retried request the store already answered ends in `Replay`, which
`core.handlers` turns back into the first answer.
"""

import json
from typing import Protocol

from fastapi import Request, Response

from app.core.i18n import MessageKey, translate

# Where the claim waits for the route to settle it: in the request's own scope, not in
# `scope["state"]`, which a server may share between requests (asgi-lifespan's does).
CLAIM_SCOPE_KEY = "fusion.idempotency_claim"
REPLAYED_HEADER = "Idempotent-Replayed"


class Claim(Protocol):
    """A key held for this request until its answer is stored or it is let go."""

    async def complete(self, response: Response) -> None:
        """Store the answer under the key, for retries to replay."""

    async def abandon(self) -> None:
        """Let the key go: the request failed, so a retry runs again."""


class Replay(Exception):  # noqa: N818 - a signal that becomes the stored answer, not an error
    """The key already has an answer for this very request: send it again."""

    def __init__(self, status: int, body: str, headers: dict[str, str]) -> None:
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = headers


def _message_key(message: str, language: str) -> MessageKey | None:
    # Catalog texts are distinct within a language, so the text names its key.
    return next((key for key in MessageKey if translate(key, language) == message), None)


def replay_response(replay: Replay, language: str) -> Response:
    """The stored answer, marked as a replay, its envelope message in `language`."""
    headers = {**replay.headers, REPLAYED_HEADER: "true"}
    body = replay.body
    stored_language = headers.pop("Content-Language", None)
    envelope = json.loads(body)
    if stored_language and isinstance(envelope, dict) and isinstance(envelope.get("message"), str):
        # The same answer, told in the retry's language (the data never depends on it).
        key = _message_key(envelope["message"], stored_language)
        if key is not None:
            envelope["message"] = translate(key, language)
            body = json.dumps(envelope, ensure_ascii=False, separators=(",", ":"))
        else:
            headers["Content-Language"] = stored_language
    return Response(body, replay.status, headers, media_type="application/json")


async def settle(request: Request, response: Response | None) -> None:
    """Store `response` under the request's claim, or release the claim if there is none."""
    claim: Claim | None = request.scope.pop(CLAIM_SCOPE_KEY, None)
    if claim is None:
        return
    if response is None:
        await claim.abandon()
    else:
        await claim.complete(response)
