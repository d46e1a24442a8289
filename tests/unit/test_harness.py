"""The harness's own rules: throwaway names, one spec per backend, clean tables."""

import sqlite3
import time

import pytest
from sqlalchemy import func, select

from app.api.categories.repository import CategoryRepository
from app.api.categories.schema import CategoryCreate
from app.api.users.repository import UserRepository
from app.database.session import unit_of_work
from app.database.sql import SQLDatabase
from app.models.postgres import Category, User
from tests.harness import throwaway
from tests.harness.backends import SPECS, admins_role, empty_file_tables, sql_metadata
from tests.harness.servers import BACKENDS, allowed_missing


@pytest.mark.parametrize("name", ["postgres", "test", "fusion_test_x; DROP DATABASE postgres"])
def test_only_throwaway_names_are_touched(name: str) -> None:
    with pytest.raises(ValueError, match="refusing"):
        throwaway.check_name(name)


def test_new_names_are_throwaway_and_distinct() -> None:
    names = {throwaway.new_name() for _ in range(20)}
    assert len(names) == 20
    assert all(throwaway.check_name(name) == name for name in names)


def test_a_young_name_may_be_a_run_in_progress_an_old_one_is_a_leak() -> None:
    name = throwaway.new_name()
    assert throwaway.may_be_running(name)
    assert throwaway.may_be_running(f"{name}_blank:auth:session:x")
    later = time.time() + throwaway.MAX_RUN_SECONDS + 1
    assert not throwaway.may_be_running(name, now=later)
    # Names from before runs were stamped carry no time: they cannot be told from a live run.
    assert throwaway.may_be_running("fusion_test_06d713725a3c")


def test_allow_missing_is_a_comma_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_ALLOW_MISSING", " Mongo, redis ,,")
    assert allowed_missing() == {"mongo", "redis"}


async def test_embedded_tables_are_emptied_after_an_api_test(
    file_connections: dict[str, sqlite3.Connection], postgres_db: SQLDatabase
) -> None:
    async with unit_of_work(postgres_db) as session:
        await UserRepository(session).create(
            username="ann", email="ann@example.com", password_hash="h"
        )
        await CategoryRepository(session).create(CategoryCreate(slug="tools", name="Tools"))
    empty_file_tables(sql_metadata()["postgres"], file_connections["postgres"])
    async with postgres_db.sessions() as session:
        for model in (User, Category):
            assert await session.scalar(select(func.count()).select_from(model)) == 0


def test_every_backend_the_settings_name_has_one_spec() -> None:
    # A backend without a spec could not be provisioned, emptied or checked for leftovers.
    assert set(SPECS) == set(BACKENDS)
    assert admins_role() in sql_metadata()
