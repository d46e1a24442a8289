"""A request's writes commit when the handler returns and vanish when it raises."""

import asyncio
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import APIRouter, FastAPI
from sqlalchemy import func, select
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.admins.repository import AdminRepository
from app.api.users.repository import UserRepository
from app.core.envelope import Envelope, success
from app.core.errors import ConflictError, ErrorType
from app.database.sql import SQLDatabase
from app.depends import AdminSession, Lang, PostgresSession
from app.models.mysql.admins import Admin
from app.models.postgres.users import User
from app.resources import resources_of
from tests.envelope import assert_envelope

router = APIRouter(prefix="/uow")


async def create_then_fail(
    repository: UserRepository | AdminRepository, name: str, fail: str
) -> int:
    """Create the account `name`, then fail as asked (`app-error`, `crash`); its id otherwise."""
    account = await repository.create(username=name, email=f"{name}@example.com", password_hash="h")
    if fail == "app-error":
        raise ConflictError
    if fail == "crash":
        raise RuntimeError("boom after a write")
    return account.id


@router.post("/users/{name}")
async def write_user(
    name: str, session: PostgresSession, lang: Lang, fail: str = ""
) -> Envelope[dict[str, int]]:
    return success({"id": await create_then_fail(UserRepository(session), name, fail)}, lang)


@router.post("/users-unflushed/{name}")
async def write_user_at_commit(name: str, session: PostgresSession, lang: Lang) -> Envelope[None]:
    # No flush: a duplicate is only found by the commit the unit of work runs.
    session.add(User(username=name, email=f"{name}@example.com", password_hash="h"))
    return success(None, lang)


@router.post("/admins/{name}")
async def write_admin(
    name: str, session: AdminSession, lang: Lang, fail: str = ""
) -> Envelope[dict[str, int]]:
    return success({"id": await create_then_fail(AdminRepository(session), name, fail)}, lang)


@pytest.fixture
def probe_routers() -> tuple[APIRouter, ...]:
    # Built into the app rather than added to it, so the app can serve the next test too.
    return (router,)


@pytest.fixture
def uow_app(app: FastAPI) -> FastAPI:
    return app


async def count(database: SQLDatabase, model: Any) -> int:
    async with database.sessions() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


async def test_returning_handler_commits(uow_app: FastAPI, client: httpx.AsyncClient) -> None:
    body = assert_envelope(await client.post("/uow/users/ann"), 200, ErrorType.SUCCESS)
    assert body["data"]["id"] > 0
    assert await count(resources_of(uow_app).backends.postgres, User) == 1


@pytest.mark.parametrize(("fail", "status"), [("app-error", 409), ("crash", 500)])
async def test_handler_that_writes_then_raises_leaves_nothing(
    uow_app: FastAPI, client: httpx.AsyncClient, fail: str, status: int
) -> None:
    response = await client.post("/uow/users/ann", params={"fail": fail})
    assert_envelope(response, status)
    assert await count(resources_of(uow_app).backends.postgres, User) == 0


async def test_admin_store_unit_of_work(uow_app: FastAPI, client: httpx.AsyncClient) -> None:
    assert_envelope(await client.post("/uow/admins/root"), 200)
    assert_envelope(await client.post("/uow/admins/other", params={"fail": "app-error"}), 409)
    assert_envelope(await client.post("/uow/admins/root"), 409, ErrorType.CONFLICT)
    assert await count(resources_of(uow_app).backends.admins, Admin) == 1


async def test_duplicate_found_at_commit_is_a_conflict_envelope(
    uow_app: FastAPI, client: httpx.AsyncClient
) -> None:
    assert_envelope(await client.post("/uow/users-unflushed/ann"), 200)
    response = await client.post("/uow/users-unflushed/ann")
    assert_envelope(response, 409, ErrorType.CONFLICT)
    assert await count(resources_of(uow_app).backends.postgres, User) == 1


async def test_concurrent_requests_all_commit(uow_app: FastAPI, client: httpx.AsyncClient) -> None:
    responses = await asyncio.gather(*(client.post(f"/uow/users/user{i}") for i in range(12)))
    assert [response.status_code for response in responses] == [200] * 12
    assert await count(resources_of(uow_app).backends.postgres, User) == 12


async def test_commit_happens_before_the_response_starts(uow_app: FastAPI) -> None:
    committed_when_sent: list[int] = []

    class SpyOnResponseStart:
        def __init__(self, app: ASGIApp) -> None:
            self.app = app

        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            async def spy(message: Message) -> None:
                if message["type"] == "http.response.start" and scope["path"].startswith("/uow"):
                    committed_when_sent.append(
                        await count(resources_of(uow_app).backends.postgres, User)
                    )
                await send(message)

            await self.app(scope, receive, spy)

    uow_app.add_middleware(SpyOnResponseStart)
    async with LifespanManager(uow_app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            assert_envelope(await client.post("/uow/users/ann"), 200)
    assert committed_when_sent == [1]
