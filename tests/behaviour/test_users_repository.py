"""UserRepository on SQLite (fake) or PostgreSQL (real)."""

from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.api.users.repository import UserRepository
from app.core.errors import ConflictError, NotFoundError
from app.core.i18n import MessageKey
from app.database.sql import SQLDatabase


async def make_user(users: UserRepository, name: str = "ann", email: str | None = None) -> int:
    user = await users.create(
        username=name, email=email or f"{name}@example.com", password_hash="hash-" + name
    )
    return user.id


async def test_create_and_read_back(postgres_session: AsyncSession) -> None:
    users = UserRepository(postgres_session)
    before = datetime.now(UTC)
    user = await users.create(username="ann", email="Ann@Example.COM", password_hash="h")
    assert user.id > 0
    assert (user.username, user.email, user.role) == ("ann", "ann@example.com", "user")
    assert user.is_active
    assert not user.is_banned
    assert user.created_at.tzinfo is not None
    assert user.created_at >= before
    assert (await users.get_by_id(user.id)).username == "ann"
    assert (await users.get_by_username("ann")).id == user.id
    assert (await users.get_by_email("ANN@example.com")).id == user.id


async def test_timestamps_round_trip_as_aware_utc(postgres_db: SQLDatabase) -> None:
    async with postgres_db.sessions() as session, session.begin():
        user_id = await make_user(UserRepository(session))
    async with postgres_db.sessions() as session:
        user = await UserRepository(session).get_by_id(user_id)
    assert user.created_at.utcoffset() is not None
    assert user.created_at.utcoffset() == UTC.utcoffset(None)
    assert abs((datetime.now(UTC) - user.created_at).total_seconds()) < 60


async def test_duplicate_username_is_conflict(postgres_session: AsyncSession) -> None:
    users = UserRepository(postgres_session)
    await make_user(users, "ann")
    with pytest.raises(ConflictError) as caught:
        await users.create(username="ann", email="other@example.com", password_hash="h")
    assert caught.value.message is MessageKey.USER_EXISTS


async def test_email_is_unique_whatever_its_case(postgres_session: AsyncSession) -> None:
    users = UserRepository(postgres_session)
    await make_user(users, "ann", "ann@example.com")
    with pytest.raises(ConflictError):
        await users.create(username="bob", email="ANN@EXAMPLE.com", password_hash="h")


async def test_usernames_differing_only_in_case_are_one(postgres_session: AsyncSession) -> None:
    # The database itself refuses the twin (a unique index on lower(username)), so two
    # registrations racing past the service's check cannot both succeed.
    users = UserRepository(postgres_session)
    await make_user(users, "ann")
    with pytest.raises(ConflictError) as caught:
        await make_user(users, "Ann", "ann2@example.com")
    assert caught.value.message is MessageKey.USER_EXISTS


@pytest.mark.parametrize("lookup", ["id", "username", "email"])
async def test_missing_user_is_not_found(postgres_session: AsyncSession, lookup: str) -> None:
    users = UserRepository(postgres_session)
    lookups = {
        "id": lambda: users.get_by_id(424242),
        "username": lambda: users.get_by_username("nobody"),
        "email": lambda: users.get_by_email("nobody@example.com"),
    }
    with pytest.raises(NotFoundError) as caught:
        await lookups[lookup]()
    assert caught.value.message is MessageKey.USER_NOT_FOUND


async def test_update_changes_only_given_fields(postgres_session: AsyncSession) -> None:
    users = UserRepository(postgres_session)
    user_id = await make_user(users)
    created = (await users.get_by_id(user_id)).updated_at
    user = await users.update(user_id, email="NEW@example.com", role="editor", is_active=False)
    assert (user.username, user.email, user.role, user.is_active) == (
        "ann",
        "new@example.com",
        "editor",
        False,
    )
    assert user.password_hash == "hash-ann"
    assert user.updated_at >= created


async def test_update_into_a_taken_email_is_conflict(postgres_session: AsyncSession) -> None:
    users = UserRepository(postgres_session)
    await make_user(users, "ann")
    bob = await make_user(users, "bob")
    with pytest.raises(ConflictError):
        await users.update(bob, email="ANN@example.com")


async def test_update_of_missing_user_is_not_found(postgres_session: AsyncSession) -> None:
    with pytest.raises(NotFoundError):
        await UserRepository(postgres_session).update(424242, role="x")


async def test_set_banned(postgres_session: AsyncSession) -> None:
    users = UserRepository(postgres_session)
    user_id = await make_user(users)
    assert (await users.set_banned(user_id, True)).is_banned
    assert not (await users.set_banned(user_id, False)).is_banned
    with pytest.raises(NotFoundError):
        await users.set_banned(424242, True)


async def test_list_pages_with_total(postgres_session: AsyncSession) -> None:
    users = UserRepository(postgres_session)
    for index in range(5):
        await make_user(users, f"user{index}")
    first = await users.list(offset=0, limit=2)
    rest = await users.list(offset=2, limit=10)
    assert first.total == rest.total == 5
    assert [user.username for user in first.items + rest.items] == [
        f"user{index}" for index in range(5)
    ]
    assert (await users.list(offset=5, limit=2)).items == []


async def test_list_clamps_bad_paging(postgres_session: AsyncSession) -> None:
    page = await UserRepository(postgres_session).list(offset=-3, limit=10_000)
    assert (page.offset, page.limit, page.total) == (0, 100, 0)
