"""`me` and the principal: the same tokens REST accepts, the same refusals."""

import httpx
from fastapi import FastAPI

from app.api.auth.tokens import TokenService
from app.api.users.repository import UserRepository
from app.core.errors import ErrorType
from app.core.security.tokens import Realm
from app.database.session import unit_of_work
from app.resources import resources_of
from tests.unit.auth.conftest import bearer
from tests.unit.graphql.assertions import only_error
from tests.unit.graphql.conftest import Post

ME = "{ me { id username email role createdAt } }"


async def test_me_with_a_valid_token(
    post_graphql: Post, tokens: TokenService, user_id: int
) -> None:
    pair = await tokens.issue(Realm.USER, user_id, "user")
    response = await post_graphql(ME, headers=bearer(pair.access_token))
    assert response.status_code == 200
    body = response.json()
    assert "errors" not in body
    me = body["data"]["me"]
    assert me["id"] == user_id
    assert me["username"] == "ada"
    assert me["email"] == "ada@example.com"
    assert me["role"] == "user"
    assert me["createdAt"]


async def test_me_without_a_token_is_unauthorized(post_graphql: Post) -> None:
    response = await post_graphql(ME)
    assert response.status_code == 200
    error = only_error(response, ErrorType.UNAUTHORIZED)
    assert error["path"] == ["me"]
    assert response.json()["data"] is None


async def test_revoked_token_is_unauthorized(
    post_graphql: Post, tokens: TokenService, user_id: int
) -> None:
    pair = await tokens.issue(Realm.USER, user_id, "user")
    assert "errors" not in (await post_graphql(ME, headers=bearer(pair.access_token))).json()
    await tokens.logout(await tokens.authenticate(pair.access_token, Realm.USER))
    response = await post_graphql(ME, headers=bearer(pair.access_token))
    only_error(response, ErrorType.UNAUTHORIZED)


async def test_admin_token_is_not_a_user(
    post_graphql: Post, tokens: TokenService, user_id: int
) -> None:
    # Realms never mix: an admin's token on a user field is a 401, as on REST's user routes.
    pair = await tokens.issue(Realm.ADMIN, user_id, "admin")
    only_error(await post_graphql(ME, headers=bearer(pair.access_token)), ErrorType.UNAUTHORIZED)


async def test_garbage_token_is_unauthorized(post_graphql: Post) -> None:
    response = await post_graphql(ME, headers=bearer("not.a.token"))
    only_error(response, ErrorType.UNAUTHORIZED)


async def test_token_of_a_deleted_user_is_unauthorized(
    post_graphql: Post, tokens: TokenService
) -> None:
    # As REST's `/users/me`: the account behind the session is gone, so the session is over.
    pair = await tokens.issue(Realm.USER, 999_999, "user")
    error = only_error(
        await post_graphql(ME, headers=bearer(pair.access_token)), ErrorType.UNAUTHORIZED
    )
    assert error["path"] == ["me"]


async def test_banned_user_is_forbidden_despite_a_live_session(
    app: FastAPI, post_graphql: Post, tokens: TokenService, user_id: int
) -> None:
    pair = await tokens.issue(Realm.USER, user_id, "user")
    async with unit_of_work(resources_of(app).backends.postgres) as session:
        await UserRepository(session).set_banned(user_id, True)
    response = await post_graphql(ME, headers=bearer(pair.access_token))
    only_error(response, ErrorType.FORBIDDEN)
    assert response.json()["data"] is None


async def test_arabic_message_same_error_type(post_graphql: Post) -> None:
    english = only_error(await post_graphql(ME), ErrorType.UNAUTHORIZED)
    arabic = only_error(
        await post_graphql(ME, headers={"Accept-Language": "ar-SA,en;q=0.5"}),
        ErrorType.UNAUTHORIZED,
        "ar",
    )
    assert arabic["message"] != english["message"]
    assert any("\u0600" <= char <= "\u06ff" for char in arabic["message"])


async def test_get_query_is_served(
    running: httpx.AsyncClient, tokens: TokenService, user_id: int
) -> None:
    pair = await tokens.issue(Realm.USER, user_id, "user")
    response = await running.get(
        "/graphql", params={"query": "{ me { id } }"}, headers=bearer(pair.access_token)
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"me": {"id": user_id}}}
