"""Crashes and lost backends inside resolvers: the envelope, and nothing of the exception."""

import logging

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from app.api.auth.tokens import TokenService
from app.api.users.schema import UserOut
from app.core.errors import ErrorType
from app.core.i18n import MessageKey, translate
from app.core.security.tokens import Realm
from app.graphql.users import UserType
from tests.unit.auth.conftest import bearer
from tests.unit.graphql.assertions import only_error
from tests.unit.graphql.conftest import Post

ME = "{ me { id } }"
SECRET = "db password is hunter2 at /srv/app/secret.py"


class ExplodingError(RuntimeError):
    """A failure the client must never hear about."""


async def test_resolver_crash_is_internal_error_without_internals(
    post_graphql: Post,
    tokens: TokenService,
    user_id: int,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def explode(profile: UserOut) -> None:
        raise ExplodingError(SECRET)

    # `me` reads no repository (the gate hands it the account row): it crashes converting it.
    monkeypatch.setattr(UserType, "from_pydantic", explode)
    pair = await tokens.issue(Realm.USER, user_id, "user")
    with caplog.at_level(logging.ERROR, logger="app.errors"):
        response = await post_graphql(
            ME, headers={**bearer(pair.access_token), "X-Request-ID": "trace-me-42"}
        )
    error = only_error(response, ErrorType.INTERNAL_ERROR)
    assert error["message"] == translate(MessageKey.INTERNAL_ERROR, "en")
    assert error["extensions"]["data"] is None
    for leak in (SECRET, "hunter2", "ExplodingError", "secret.py", "Traceback"):
        assert leak not in response.text
    # The operator finds it by the request id, with the exception.
    [record] = [r for r in caplog.records if "trace-me-42" in r.getMessage()]
    assert record.exc_info is not None
    assert record.exc_info[0] is ExplodingError


async def test_lost_backend_in_resolver_is_unavailable(
    post_graphql: Post,
    tokens: TokenService,
    user_id: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def lost(profile: UserOut) -> None:
        raise RedisConnectionError("connection refused 10.0.0.7:6379")

    monkeypatch.setattr(UserType, "from_pydantic", lost)
    pair = await tokens.issue(Realm.USER, user_id, "user")
    response = await post_graphql(ME, headers=bearer(pair.access_token))
    only_error(response, ErrorType.SERVICE_UNAVAILABLE)
    assert "10.0.0.7" not in response.text
