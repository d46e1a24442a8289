"""The authenticated hot path: the account row is read once per request, and still read."""

from collections.abc import Callable

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import event

from app.database.sql import SQLDatabase
from app.resources import resources_of
from tests.behaviour.accounts import Accounts


def _statements(database: SQLDatabase) -> tuple[list[str], Callable[..., None]]:
    seen: list[str] = []

    def record(*args: object) -> None:
        seen.append(str(args[2]))  # (connection, cursor, statement, ...)

    event.listen(database.engine.sync_engine, "before_cursor_execute", record)
    return seen, record


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        pytest.param("GET", "/api/v1/users/me", None, id="rest"),
        # fusion:graphql begin
        pytest.param("POST", "/graphql", {"query": "{ me { id username } }"}, id="graphql"),
        # fusion:graphql end
    ],
)
async def test_me_reads_the_account_row_exactly_once(
    app: FastAPI, client: httpx.AsyncClient, method: str, path: str, body: object
) -> None:
    user = await Accounts(client, app).user()
    database: SQLDatabase = resources_of(app).backends.postgres
    seen, record = _statements(database)
    try:
        response = await client.request(method, path, headers=user.headers, json=body)
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", record)
    assert response.status_code == 200
    assert f'"username":"{user.username}"' in response.text.replace(" ", "")
    # The gate's read serves the handler too; a ban still bites (the gate reads every time).
    assert sum("FROM users" in statement for statement in seen) == 1
