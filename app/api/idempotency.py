"""`Idempotency-Key` on creating POSTs: a retried request replays the first answer.

Each key is scoped to its caller (realm and account, or the client address when signed
out), so one user can never replay another's answer. In Redis, shared by every instance:

- `{prefix}idempotency:{scope}:{sha256(key)}` = JSON `{fingerprint, status?, body?, headers?}`;
  set with NX as a short "in progress" marker, then overwritten with the answer for 24 h.

Same key and same request: the stored answer (or 409 while the first is still running).
Same key, different request: 422. A request that fails keeps nothing, so its retry runs.
"""

import hashlib
import json
import logging
import re
from dataclasses import dataclass
from typing import Annotated

from fastapi import Header, Request, Response
from pydantic import JsonValue
from redis.exceptions import RedisError

from app.api.auth.principal import Principal
from app.core.envelope import request_language
from app.core.errors import ConflictError, ValidationError
from app.core.i18n import MessageKey
from app.core.idempotency import CLAIM_SCOPE_KEY, Replay
from app.core.openapi_rules import UNIQUE_PER_REQUEST_KEY
from app.database.redis import RedisStore, redis_errors

logger = logging.getLogger("app.idempotency")

HEADER = "Idempotency-Key"
# Stripe's convention, which clients know: an answer is kept for a day.
ANSWER_TTL_SECONDS = 24 * 60 * 60
# Longer than any request takes; if an instance dies mid-request the key frees itself.
IN_PROGRESS_TTL_SECONDS = 60
KEY_PATTERN = r"^[!-~]{1,255}$"  # visible ASCII, as a header value carries it unchanged
_VALID_KEY = re.compile(KEY_PATTERN)
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias=HEADER,
        pattern=KEY_PATTERN,
        description=(
            "Any unique string (a UUID): a retry with the same key and body within 24 h "
            "replays the first answer; the same key with another body is a 422."
        ),
        json_schema_extra={UNIQUE_PER_REQUEST_KEY: True},
    ),
]
# What a replay repeats besides the body: where the resource is, and in which language.
_REPLAYED_HEADERS = ("location", "etag")


def _invalid_key() -> ValidationError:
    issue: JsonValue = {"loc": ["header", HEADER], "msg": "", "type": "idempotency_key"}
    return ValidationError(MessageKey.IDEMPOTENCY_KEY_INVALID, data=[issue])


def _reused_key() -> ValidationError:
    issue: JsonValue = {"loc": ["header", HEADER], "msg": "", "type": "idempotency_key_reused"}
    return ValidationError(MessageKey.IDEMPOTENCY_KEY_REUSED, data=[issue])


@dataclass
class RedisClaim:
    """A request's hold on one key in Redis."""

    store: RedisStore
    redis_key: str
    fingerprint: str
    language: str

    async def complete(self, response: Response) -> None:
        """Keep the answer for a day (successes only: a failure is never replayed)."""
        headers = {
            name: value
            for name, value in response.headers.items()
            if name.lower() in _REPLAYED_HEADERS
        }
        # The language the body was written in, so a retry in another one can be retold.
        headers["Content-Language"] = self.language
        record = {
            "fingerprint": self.fingerprint,
            "status": response.status_code,
            "body": bytes(response.body).decode("utf-8"),
            "headers": headers,
        }
        try:
            await self.store.client.set(self.redis_key, json.dumps(record), ex=ANSWER_TTL_SECONDS)
        except (RedisError, OSError) as error:
            # The resource exists: answer it. A retry meets the marker (409) until it expires.
            logger.warning("idempotency answer not stored: %s", type(error).__name__)

    async def abandon(self) -> None:
        """Free the key so the client's retry runs again."""
        try:
            await self.store.client.delete(self.redis_key)
        except (RedisError, OSError) as error:
            # The request's own failure is the answer; the marker expires by itself.
            logger.warning("idempotency key not freed: %s", type(error).__name__)


async def claim_key(request: Request, key: str | None, store: RedisStore, scope: str) -> None:
    """Hold the request's `Idempotency-Key` (if it sent one), or end it with the stored answer."""
    if key is None:
        return
    if not _VALID_KEY.match(key):
        raise _invalid_key()
    body = await request.body()
    fingerprint = hashlib.sha256(
        b"\n".join((request.method.encode(), request.url.path.encode(), body))
    ).hexdigest()
    redis_key = store.key("idempotency", scope, hashlib.sha256(key.encode()).hexdigest())
    marker = json.dumps({"fingerprint": fingerprint})
    with redis_errors():
        claimed = await store.client.set(redis_key, marker, nx=True, ex=IN_PROGRESS_TTL_SECONDS)
        if claimed:
            claim = RedisClaim(store, redis_key, fingerprint, request_language(request))
            request.scope[CLAIM_SCOPE_KEY] = claim
            return
        raw = await store.client.get(redis_key)
    if raw is None:
        # The first request failed (its key was freed) between our two calls: take it now.
        return await claim_key(request, key, store, scope)
    record = json.loads(raw)
    if record.get("fingerprint") != fingerprint:
        raise _reused_key()
    if "status" not in record:
        # Both at once: only one may create; the other is told to retry shortly.
        raise ConflictError(MessageKey.IDEMPOTENCY_IN_PROGRESS, headers={"Retry-After": "1"})
    raise Replay(int(record["status"]), str(record["body"]), dict(record["headers"]))


def principal_scope(principal: Principal) -> str:
    """The key scope of a signed-in caller: their realm and account."""
    return f"{principal.realm.value}:{principal.account_id}"


def anonymous_scope(request: Request) -> str:
    """The key scope of a signed-out caller: their address."""
    return "anonymous:" + (request.client.host if request.client else "-")
