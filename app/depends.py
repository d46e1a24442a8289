"""Every dependency as one `Annotated` alias; handlers name these, never `Depends(...)`."""

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Request
from pymongo.asynchronous.database import AsyncDatabase
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.envelope import request_language
from app.database.redis import RedisStore
from app.database.session import unit_of_work
from app.database.sql import SQLDatabase
from app.settings import Settings


def get_app_settings(request: Request) -> Settings:
    """The settings the running app was built with (not the process-wide default)."""
    settings: Settings = request.app.state.settings
    return settings


async def postgres_session(request: Request) -> AsyncIterator[AsyncSession]:
    """The request's unit of work on the PostgreSQL role."""
    database: SQLDatabase = request.app.state.postgres
    async with unit_of_work(database) as session:
        yield session


async def mysql_session(request: Request) -> AsyncIterator[AsyncSession]:
    """The request's unit of work on the MySQL role."""
    database: SQLDatabase = request.app.state.mysql
    async with unit_of_work(database) as session:
        yield session


def mongo_database(request: Request) -> AsyncDatabase[dict[str, Any]]:
    """The app's MongoDB database."""
    database: AsyncDatabase[dict[str, Any]] = request.app.state.mongo.db
    return database


def redis_store(request: Request) -> RedisStore:
    """The Redis client with the app's key prefix."""
    store: RedisStore = request.app.state.redis
    return store


AppSettingsDep = Annotated[Settings, Depends(get_app_settings)]
Lang = Annotated[str, Depends(request_language)]
# scope="function": commit (or roll back) before the response is sent, so a client never
# sees success for a write that then fails to commit.
PostgresSession = Annotated[AsyncSession, Depends(postgres_session, scope="function")]
MySQLSession = Annotated[AsyncSession, Depends(mysql_session, scope="function")]
MongoDB = Annotated[AsyncDatabase[dict[str, Any]], Depends(mongo_database)]
Redis = Annotated[RedisStore, Depends(redis_store)]
