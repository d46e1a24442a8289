"""AuditRepository on the mongomock shim (fake) or MongoDB (real)."""

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from app.api.audit.repository import AuditRepository

Db = AsyncDatabase[dict[str, Any]]


async def test_record_and_read_back(mongo_db: Db) -> None:
    audit = AuditRepository(mongo_db)
    event = await audit.record(
        type="login", realm="user", actor="7", ip="127.0.0.1", details={"ok": True, "n": 1}
    )
    page = await audit.list()
    assert page.total == 1
    assert page.items == [event]
    assert (event.type, event.realm, event.actor, event.ip) == ("login", "user", "7", "127.0.0.1")
    assert event.details == {"ok": True, "n": 1}
    assert event.time.tzinfo is not None


async def test_list_filters_by_type_and_account_newest_first(mongo_db: Db) -> None:
    audit = AuditRepository(mongo_db)
    for index in range(3):
        await audit.record(type="login", realm="user", actor="7", details={"i": index})
    await audit.record(type="logout", realm="user", actor="7")
    await audit.record(type="login", realm="admin", actor="7")
    await audit.record(type="login", realm="user", actor="8")

    logins = await audit.list(type="login", realm="user", actor="7")
    assert logins.total == 3
    assert [event.details["i"] for event in logins.items] == [2, 1, 0]
    assert (await audit.list(actor="7")).total == 5
    assert (await audit.list(realm="admin")).total == 1
    second = await audit.list(type="login", offset=1, limit=2)
    assert (second.total, len(second.items)) == (5, 2)


async def test_anonymous_event(mongo_db: Db) -> None:
    event = await AuditRepository(mongo_db).record(type="login_failed", realm="user")
    assert (event.actor, event.ip, event.details) == (None, None, {})
