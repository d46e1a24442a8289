"""A session shared by concurrent resolvers is used by one of them at a time.

That the context hands resolvers no other way to the session is in `test_unit_of_work.py`.
"""

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession

from app.graphql.context import LockedSession


async def test_a_second_holder_waits_for_the_first() -> None:
    shared = LockedSession(AsyncSession())
    entered: list[str] = []
    release = asyncio.Event()

    async def hold(name: str) -> None:
        async with shared.locked():
            entered.append(name)
            await release.wait()

    first = asyncio.create_task(hold("first"))
    second = asyncio.create_task(hold("second"))
    for _ in range(5):
        await asyncio.sleep(0)
    assert entered == ["first"]
    release.set()
    await asyncio.gather(first, second)
    assert entered == ["first", "second"]
