"""What caches and careful clients are told: languages, cache rules, ETags, If-Match, Location."""

import asyncio
from typing import Any

import httpx
import pytest

from app.api.users.repository import UserRepository
from app.core.caching import PRIVATE_REVALIDATE, PUBLIC_CATALOG
from app.core.errors import ErrorType
from app.core.i18n import MessageKey, translate
from tests.behaviour.accounts import Accounts as AuthAccounts
from tests.behaviour.domain import API, Accounts, Caller, create_category
from tests.behaviour.preconditions import assert_if_match_stops_lost_updates
from tests.envelope import assert_envelope

CATEGORIES = f"{API}/categories"


async def test_translated_answers_name_their_language_and_vary_on_it(
    api: httpx.AsyncClient,
) -> None:
    for language, header in (("ar", "ar-SA"), ("hi", "hi"), ("en", "de, *")):
        response = await api.get(CATEGORIES, headers={"Accept-Language": header})
        body = assert_envelope(response, 200)
        assert body["message"] == translate(MessageKey.SUCCESS, language)
        assert response.headers["content-language"] == language
        assert "Accept-Language" in response.headers["vary"]
    missing = await api.get(f"{CATEGORIES}/none-here", headers={"Accept-Language": "ar"})
    assert_envelope(missing, 404)
    assert missing.headers["content-language"] == "ar"
    assert "Accept-Language" in missing.headers["vary"]


async def test_public_catalog_reads_may_be_cached_briefly_and_nothing_else(
    api: httpx.AsyncClient, admin: Caller
) -> None:
    await create_category(api, admin, "tools")
    assert (await api.get(CATEGORIES)).headers["cache-control"] == PUBLIC_CATALOG
    assert (await api.get(f"{CATEGORIES}/tools")).headers["cache-control"] == PUBLIC_CATALOG
    # A failure, a write, a health probe: no cache keeps them.
    assert (await api.get(f"{CATEGORIES}/absent")).headers["cache-control"] == "no-store"
    write = await api.patch(f"{CATEGORIES}/tools", json={"name": "T"}, headers=admin.headers)
    assert write.headers["cache-control"] == "no-store"
    assert (await api.get("/health/live")).headers["cache-control"] == "no-store"
    # Signed in, even a public read is never `public`.
    signed_in = await api.get(CATEGORIES, headers=admin.headers)
    assert signed_in.headers["cache-control"] == "no-store"


async def test_signed_in_answers_are_private_or_no_store(
    api: httpx.AsyncClient, auth_accounts: AuthAccounts
) -> None:
    user = await auth_accounts.user()
    me = await api.get(f"{API}/users/me", headers=user.headers)
    assert me.headers["cache-control"] == PRIVATE_REVALIDATE
    sessions = await api.get(f"{API}/auth/sessions", headers=user.headers)
    assert sessions.headers["cache-control"] == "no-store"
    login = await api.post(
        f"{API}/auth/login", json={"username": user.username, "password": "correct horse battery"}
    )
    assert login.headers["cache-control"] == "no-store"


async def test_category_etag_and_if_none_match(api: httpx.AsyncClient, admin: Caller) -> None:
    await create_category(api, admin, "tools")
    first = await api.get(f"{CATEGORIES}/tools")
    tag = first.headers["etag"]
    assert tag.startswith('"')
    assert tag.endswith('"')
    again = await api.get(f"{CATEGORIES}/tools", headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == tag
    assert "Accept-Language" in again.headers["vary"]
    weak = await api.get(f"{CATEGORIES}/tools", headers={"If-None-Match": f'"x", W/{tag}'})
    assert weak.status_code == 304  # If-None-Match compares weakly
    assert (
        await api.get(f"{CATEGORIES}/tools", headers={"If-None-Match": '"x"'})
    ).status_code == 200
    await api.patch(f"{CATEGORIES}/tools", json={"name": "Tools!"}, headers=admin.headers)
    changed = await api.get(f"{CATEGORIES}/tools", headers={"If-None-Match": tag})
    assert_envelope(changed, 200)
    assert changed.headers["etag"] != tag


async def test_if_match_stops_a_lost_update_on_a_category(
    api: httpx.AsyncClient, accounts: Accounts
) -> None:
    first_admin = await accounts.admin("root")
    second_admin = await accounts.admin("other")
    await create_category(api, first_admin, "tools")
    # Both read the same version; the first write wins, the second is told, in its language.
    await assert_if_match_stops_lost_updates(
        api,
        f"{CATEGORIES}/tools",
        first=(first_admin.headers, {"name": "First"}),
        second=(second_admin.headers, {"name": "Second"}),
    )


async def test_users_me_etag_and_if_match(
    api: httpx.AsyncClient, auth_accounts: AuthAccounts
) -> None:
    user = await auth_accounts.user()
    first = await api.get(f"{API}/users/me", headers=user.headers)
    tag = first.headers["etag"]
    cached = await api.get(f"{API}/users/me", headers={**user.headers, "If-None-Match": tag})
    assert cached.status_code == 304
    renamed = await api.patch(
        f"{API}/users/me",
        json={"username": f"{user.username}x"},
        headers={**user.headers, "If-Match": tag},
    )
    assert_envelope(renamed, 200)
    stale = await api.patch(
        f"{API}/users/me",
        json={"username": f"{user.username}y"},
        headers={**user.headers, "If-Match": tag},
    )
    assert_envelope(stale, 412, ErrorType.PRECONDITION_FAILED)
    now = assert_envelope(await api.get(f"{API}/users/me", headers=user.headers), 200)
    assert now["data"]["username"] == f"{user.username}x"


# Real servers only: the sequential case above is what the fake can show.
@pytest.mark.divergence("sqlite-row-lock")
async def test_concurrent_updates_with_one_etag_let_one_through(
    api: httpx.AsyncClient, auth_accounts: AuthAccounts, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two PATCHes sent at once with the same If-Match: the row lock lets one win, 412 the other."""
    update = UserRepository.update

    async def slow_update(self: UserRepository, *args: Any, **kwargs: Any) -> Any:
        # Held between the If-Match check and the write: without the lock, both requests
        # would pass the check with the same tag before either writes.
        await asyncio.sleep(0.2)
        return await update(self, *args, **kwargs)

    monkeypatch.setattr(UserRepository, "update", slow_update)
    user = await auth_accounts.user()
    tag = (await api.get(f"{API}/users/me", headers=user.headers)).headers["etag"]
    names = [f"{user.username}a", f"{user.username}b"]
    answers = await asyncio.gather(
        *(
            api.patch(
                f"{API}/users/me",
                json={"username": name},
                headers={**user.headers, "If-Match": tag},
            )
            for name in names
        )
    )
    assert sorted(answer.status_code for answer in answers) == [200, 412]
    statuses = dict(zip(names, (answer.status_code for answer in answers), strict=True))
    [winner] = [name for name, status in statuses.items() if status == 200]
    now = assert_envelope(await api.get(f"{API}/users/me", headers=user.headers), 200)
    assert now["data"]["username"] == winner


async def test_every_201_names_what_it_made(
    api: httpx.AsyncClient, admin: Caller, auth_accounts: AuthAccounts
) -> None:
    created = await api.post(
        CATEGORIES, json={"slug": "garden", "name": "Garden"}, headers=admin.headers
    )
    assert_envelope(created, 201)
    assert created.headers["location"] == f"{CATEGORIES}/garden"
    assert_envelope(await api.get(created.headers["location"]), 200)
    registered = await api.post(
        f"{API}/auth/register",
        json={"username": "located", "email": "l@example.com", "password": "correct horse 1"},
    )
    assert_envelope(registered, 201)
    assert registered.headers["location"] == f"{API}/users/me"
