"""The SQL pool: connections past POOL_SIZE serve a steady load without reconnecting, and
close once the load has let them idle."""

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from app.database import sql_pool as sql_pool_module
from app.database.sql_pool import sql_pool

KEEP, OVERFLOW = 1, 3


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """A SQLite engine on the pool as `create_sql_database` builds it: 1 kept, 3 more allowed."""
    engine = create_async_engine(
        f"sqlite+aiosqlite:///{tmp_path / 'pool.sqlite3'}",
        poolclass=sql_pool("probe-pool", keep=KEEP),
        pool_size=KEEP + OVERFLOW,
        max_overflow=0,
    )
    yield engine
    await engine.dispose()


def count_connects(engine: AsyncEngine) -> list[object]:
    """A list that grows by one for each new connection the engine opens."""
    opened: list[object] = []
    event.listen(engine.sync_engine, "connect", lambda *args: opened.append(args[0]))
    return opened


async def burst(engine: AsyncEngine, size: int) -> None:
    """Hold `size` connections at once, then give them all back."""
    gate = asyncio.Event()

    async def hold() -> None:
        async with engine.connect():
            await gate.wait()

    holders = [asyncio.create_task(hold()) for _ in range(size)]
    await asyncio.sleep(0.05)
    gate.set()
    await asyncio.gather(*holders)


async def test_a_steady_load_past_pool_size_opens_no_new_connections(engine: AsyncEngine) -> None:
    opened = count_connects(engine)
    for _ in range(5):
        await burst(engine, KEEP + OVERFLOW)
    # SQLAlchemy's own pool would have closed three and opened three more on every burst.
    assert len(opened) == KEEP + OVERFLOW
    assert engine.sync_engine.pool.checkedin() == KEEP + OVERFLOW  # type: ignore[attr-defined]


async def test_connections_past_pool_size_close_once_the_load_lets_them_idle(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    await burst(engine, KEEP + OVERFLOW)
    monkeypatch.setattr(sql_pool_module, "SPARE_SECONDS", 0.0)
    await asyncio.sleep(0.01)
    for _ in range(KEEP + OVERFLOW):
        # One at a time: within POOL_SIZE, so each spare goes as it comes back (the pool
        # hands connections out in turn, so every one of them comes back).
        async with engine.connect():
            pass
    pool = engine.sync_engine.pool
    assert pool.checkedin() == KEEP  # type: ignore[attr-defined]
    assert pool.checkedout() == 0  # type: ignore[attr-defined]


async def test_the_pool_never_holds_more_than_pool_size_plus_overflow(engine: AsyncEngine) -> None:
    opened = count_connects(engine)
    await burst(engine, 2 * (KEEP + OVERFLOW))  # half of them wait their turn
    assert len(opened) == KEEP + OVERFLOW
