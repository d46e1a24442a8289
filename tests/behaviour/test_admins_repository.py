"""AdminRepository on the admin accounts' database: SQLite (fake) or the real server."""

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.api.admins.repository import AdminRepository
from app.core.errors import ConflictError, NotFoundError
from app.core.i18n import MessageKey
from app.database.sql import SQLDatabase


async def test_create_and_read_back(admins_session: AsyncSession) -> None:
    admins = AdminRepository(admins_session)
    admin = await admins.create(username="root", email="Root@Example.com", password_hash="h")
    assert (admin.username, admin.email, admin.role, admin.is_active) == (
        "root",
        "root@example.com",
        "admin",
        True,
    )
    assert (await admins.get_by_id(admin.id)).username == "root"
    assert (await admins.get_by_username("root")).id == admin.id


async def test_timestamps_round_trip_as_aware_utc(admins_db: SQLDatabase) -> None:
    async with admins_db.sessions() as session, session.begin():
        created = await AdminRepository(session).create(
            username="root", email="root@example.com", password_hash="h"
        )
    async with admins_db.sessions() as session:
        admin = await AdminRepository(session).get_by_id(created.id)
    assert admin.created_at.tzinfo is not None
    # Microseconds survive too (MySQL's DATETIME drops them unless told otherwise).
    assert admin.created_at == created.created_at


@pytest.mark.parametrize(
    ("username", "email"),
    [("root", "other@example.com"), ("other", "ROOT@example.com")],
)
async def test_duplicate_is_conflict(
    admins_session: AsyncSession, username: str, email: str
) -> None:
    admins = AdminRepository(admins_session)
    await admins.create(username="root", email="root@example.com", password_hash="h")
    with pytest.raises(ConflictError) as caught:
        await admins.create(username=username, email=email, password_hash="h")
    assert caught.value.message is MessageKey.ADMIN_EXISTS


async def test_usernames_differing_in_case_are_distinct(admins_session: AsyncSession) -> None:
    admins = AdminRepository(admins_session)
    await admins.create(username="root", email="a@example.com", password_hash="h")
    await admins.create(username="Root", email="b@example.com", password_hash="h")
    assert (await admins.get_by_username("Root")).email == "b@example.com"


async def test_missing_admin_is_not_found(admins_session: AsyncSession) -> None:
    admins = AdminRepository(admins_session)
    with pytest.raises(NotFoundError) as caught:
        await admins.get_by_id(424242)
    assert caught.value.message is MessageKey.ADMIN_NOT_FOUND
    with pytest.raises(NotFoundError):
        await admins.get_by_username("nobody")


async def test_list_pages_with_total(admins_session: AsyncSession) -> None:
    admins = AdminRepository(admins_session)
    for index in range(3):
        await admins.create(
            username=f"admin{index}", email=f"a{index}@example.com", password_hash="h"
        )
    page = await admins.list(offset=1, limit=1)
    assert page.total == 3
    assert [admin.username for admin in page.items] == ["admin1"]
    # Past the last row the page has no row to carry the total: it is counted on its own.
    beyond = await admins.list(offset=5, limit=1)
    assert (beyond.items, beyond.total) == ([], 3)
