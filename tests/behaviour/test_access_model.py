"""The stateful access model: every answer of the API is what accounts, sessions and roles predict.

A hypothesis `RuleBasedStateMachine` registers, signs in, refreshes, logs out, revokes,
changes passwords, bans, changes account rows as an operator would (deactivate, delete,
role change) and writes and reads products and categories over REST and GraphQL; each
answer is compared with `tests/behaviour/access_model.py`. It runs on fakes in the unit
tier (a short profile) and on real servers in the integration tier (a longer one).

Hypothesis drives the machine from a worker thread: the app and its client live on the
test's event loop, and each call is handed to that loop and awaited there.
"""

import asyncio
import secrets
from collections.abc import Coroutine
from typing import Any, TypeVar

import httpx
import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule, run_state_machine_as_test
from sqlalchemy import delete, update

from app.core.security.tokens import Realm
from app.database.session import unit_of_work
from app.models.mysql.admins import Admin
from app.models.postgres.categories import Category
from app.models.postgres.users import User
from app.resources import resources_of
from tests.behaviour.access_model import (
    ADMIN_ROLE,
    USER_ROLE,
    VIEWER_ROLE,
    AccountM,
    ProductM,
    SessionM,
    Who,
    World,
    account_refusal,
    expected,
)
from tests.behaviour.accounts import insert_admin
from tests.harness.hooks import is_real

T = TypeVar("T")
API = "/api/v1"
PICK = st.integers(min_value=0, max_value=10_000)
INSUFFICIENT_SCOPE = 'Bearer error="insufficient_scope"'
SESSION_CAP = 3

# Generous login limits: the model signs in far more often than a person would. The session
# cap is small, so sequences reach it: a new login ends the account's oldest session.
pytestmark = pytest.mark.auth_settings(
    login_rate_limit_per_address="100000/minute",
    login_rate_limit_per_username="100000/minute",
    max_sessions_per_account=SESSION_CAP,
)

CREATE_PRODUCT = "mutation($input: ProductCreateInput!) { createProduct(input: $input) { id } }"
UPDATE_PRODUCT = (
    "mutation($id: ID!, $input: ProductUpdateInput!) { updateProduct(id: $id, input: $input)"
    " { id } }"
)
DELETE_PRODUCT = "mutation($id: ID!) { deleteProduct(id: $id) }"
CREATE_CATEGORY = (
    "mutation($input: CategoryCreateInput!) { createCategory(input: $input) { slug } }"
)
ME = "query { me { id } }"


def pick(items: list[T], index: int) -> T:
    """An item chosen by a drawn index (shrinks towards the first)."""
    return items[index % len(items)]


class AccessMachine(RuleBasedStateMachine):
    """Calls the API and checks each answer against the model (see the module docstring)."""

    client: httpx.AsyncClient
    app: FastAPI
    loop: asyncio.AbstractEventLoop

    def __init__(self) -> None:
        super().__init__()
        self.world = World()

    # -- plumbing ---------------------------------------------------------------------

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine on the app's loop and wait for it."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=60)

    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One REST call."""
        return self.run(self.client.request(method, path, **kwargs))

    def gql(self, query: str, variables: dict[str, Any], session: SessionM | None) -> int:
        """One GraphQL operation; the status its first error carries, or 200."""
        headers = session.headers if session is not None else {}
        response = self.call(
            "POST", "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        assert response.status_code == 200, response.text
        errors = response.json().get("errors")
        if not errors:
            return 200
        status: int = errors[0]["extensions"]["status_code"]
        return status

    def check(self, response: httpx.Response, want: int, what: str) -> None:
        """The REST answer is `want`; a realm-mismatch 403 says `insufficient_scope`."""
        got = response.status_code
        assert got == want, f"{what}: expected {want}, got {got}: {response.text[:300]}"

    def operator(self, realm: Realm, statement: Any) -> None:
        """Change an account row directly, as an operator's SQL would (no route involved)."""
        database = (
            resources_of(self.app).backends.postgres
            if realm is Realm.USER
            else resources_of(self.app).backends.admins
        )

        async def write() -> None:
            async with unit_of_work(database) as session:
                await session.execute(statement)

        self.run(write())

    def sessions_any(self, index: int) -> SessionM | None:
        """Any session made so far (alive or not, either realm), or None for no token."""
        return None if not self.world.sessions else pick(self.world.sessions, index)

    def accounts_of(self, realm: Realm) -> list[AccountM]:
        """The model's accounts of one realm."""
        return [a for a in self.world.accounts if a.realm is realm]

    def login(self, account: AccountM) -> None:
        """Sign in; the answer and the session it opens follow the account's state."""
        path = f"{API}/auth/login" if account.realm is Realm.USER else f"{API}/admin/auth/login"
        response = self.call(
            "POST", path, json={"username": account.username, "password": account.password}
        )
        want = account_refusal(account) or 200
        self.check(response, want, f"login {account.realm.value}")
        if want == 200:
            data = response.json()["data"]
            assert response.headers.get("cache-control") == "no-store"
            self.world.sessions.append(
                SessionM(account, data["sid"], data["access_token"], data["refresh_token"])
            )
            self.world.cap_sessions(account, SESSION_CAP)

    # -- accounts -----------------------------------------------------------------------

    @initialize()
    def start(self) -> None:
        """One category to put products in, one admin of each role, one user."""
        slug = f"cat-{secrets.token_hex(4)}"

        async def seed() -> None:
            async with unit_of_work(resources_of(self.app).backends.postgres) as session:
                session.add(Category(slug=slug, name="Seed"))

        self.run(seed())
        self.world.categories.add(slug)
        self.add_admin(ADMIN_ROLE)
        self.add_admin(VIEWER_ROLE)
        self.register()

    def add_admin(self, role: str) -> None:
        """An admin row written as `admin create` does, then signed in."""
        username = f"adm{secrets.token_hex(4)}"
        password = "admin-pass-" + secrets.token_hex(3)
        admin_id = self.run(insert_admin(self.app, username, password, role))
        account = AccountM(Realm.ADMIN, admin_id, username, password, role)
        self.world.accounts.append(account)
        self.login(account)

    @rule()
    def register(self) -> None:
        """A new user registers (201) and signs in."""
        username = f"usr{secrets.token_hex(4)}"
        password = "user-pass-" + secrets.token_hex(3)
        response = self.call(
            "POST",
            f"{API}/auth/register",
            json={"username": username, "email": f"{username}@example.com", "password": password},
        )
        self.check(response, 201, "register")
        account = AccountM(Realm.USER, response.json()["data"]["id"], username, password, USER_ROLE)
        # SQLite hands a deleted row's id out again: from now on the id names this account
        # (the deleted one's sessions stay dead: registration revokes whatever the id had).
        self.world.accounts = [
            a for a in self.world.accounts if (a.realm, a.id) != (Realm.USER, account.id)
        ]
        self.world.accounts.append(account)
        self.login(account)

    @rule(index=PICK)
    def sign_in(self, index: int) -> None:
        """Any account signs in again."""
        self.login(pick(self.world.accounts, index))

    @rule(index=PICK)
    def refresh(self, index: int) -> None:
        """A session spends its refresh token: only a live session of a usable account may."""
        session = self.sessions_any(index)
        if session is None:
            return
        realm = session.account.realm
        path = f"{API}/auth/refresh" if realm is Realm.USER else f"{API}/admin/auth/refresh"
        response = self.call("POST", path, json={"refresh_token": session.refresh})
        want = 401 if not session.alive else (account_refusal(session.account) or 200)
        self.check(response, want, "refresh")
        if want == 200:
            assert response.headers.get("cache-control") == "no-store"
            data = response.json()["data"]
            session.access, session.refresh = data["access_token"], data["refresh_token"]

    @rule(index=PICK)
    def logout(self, index: int) -> None:
        """A session ends itself."""
        session = self.sessions_any(index)
        if session is None:
            return
        user = session.account.realm is Realm.USER
        path = f"{API}/auth/logout" if user else f"{API}/admin/auth/logout"
        response = self.call("POST", path, headers=session.headers)
        want = expected(session, Who.USER if user else Who.ANY_ADMIN)
        self.check(response, want, "logout")
        if want == 200:
            session.alive = False

    @rule(index=PICK)
    def logout_all(self, index: int) -> None:
        """A user ends every session of the account."""
        session = self.sessions_any(index)
        response = self.call(
            "POST", f"{API}/auth/logout-all", headers=session.headers if session else {}
        )
        want = expected(session, Who.USER)
        self.check(response, want, "logout-all")
        if want == 200 and session is not None:
            self.world.end_sessions(session.account)

    @rule(index=PICK, other=PICK)
    def revoke_session(self, index: int, other: int) -> None:
        """A user ends one session by id: theirs (200), anyone else's (404)."""
        session, target = self.sessions_any(index), self.sessions_any(other)
        if target is None:
            return
        response = self.call(
            "DELETE",
            f"{API}/auth/sessions/{target.sid}",
            headers=session.headers if session else {},
        )
        want = expected(session, Who.USER)
        if want == 200 and session is not None:
            mine = target.account is session.account and target.alive
            want = 200 if mine else 404
        self.check(response, want, "revoke session")
        if want == 200:
            target.alive = False

    @rule(index=PICK)
    def change_password(self, index: int) -> None:
        """A user changes the password: every other session of the account ends."""
        session = self.sessions_any(index)
        if session is None:
            return
        new_password = "new-pass-" + secrets.token_hex(3)
        response = self.call(
            "POST",
            f"{API}/users/me/password",
            json={"current_password": session.account.password, "new_password": new_password},
            headers=session.headers,
        )
        want = expected(session, Who.USER)
        self.check(response, want, "change password")
        if want == 200:
            session.account.password = new_password
            self.world.end_sessions(session.account, keep=session)

    @rule(index=PICK, victim=PICK, banned=st.booleans())
    def ban(self, index: int, victim: int, banned: bool) -> None:
        """An admin bans (every session ends) or unbans a user."""
        session = self.sessions_any(index)
        user = pick(self.accounts_of(Realm.USER), victim)
        action = "ban" if banned else "unban"
        response = self.call(
            "POST",
            f"{API}/admin/users/{user.id}/{action}",
            headers=session.headers if session else {},
        )
        want = expected(session, Who.ADMIN)
        if want == 200 and user.deleted:
            want = 404
        self.check(response, want, action)
        if want == 200:
            user.banned = banned
            if banned:
                self.world.end_sessions(user)

    @rule(victim=PICK, active=st.booleans())
    def operator_sets_active(self, victim: int, active: bool) -> None:
        """An operator deactivates or reactivates an account row."""
        account = pick(self.world.accounts, victim)
        model = User if account.realm is Realm.USER else Admin
        self.operator(
            account.realm, update(model).where(model.id == account.id).values(is_active=active)
        )
        account.active = active

    @rule(victim=PICK)
    def operator_deletes(self, victim: int) -> None:
        """An operator deletes an account row."""
        account = pick(self.world.accounts, victim)
        model = User if account.realm is Realm.USER else Admin
        self.operator(account.realm, delete(model).where(model.id == account.id))
        account.deleted = True

    @rule(victim=PICK, role=st.sampled_from([ADMIN_ROLE, VIEWER_ROLE]))
    def operator_sets_role(self, victim: int, role: str) -> None:
        """An operator changes an admin's role."""
        admin = pick(self.accounts_of(Realm.ADMIN), victim)
        self.operator(Realm.ADMIN, update(Admin).where(Admin.id == admin.id).values(role=role))
        admin.role = role

    # -- resources ----------------------------------------------------------------------

    @rule(index=PICK, graphql=st.booleans())
    def create_category(self, index: int, graphql: bool) -> None:
        """Only an active admin with the `admin` role creates categories."""
        session = self.sessions_any(index)
        slug = f"cat-{secrets.token_hex(4)}"
        want = expected(session, Who.ADMIN)
        if graphql:
            got = self.gql(CREATE_CATEGORY, {"input": {"slug": slug, "name": "N"}}, session)
            assert got == want, f"createCategory: expected {want}, got {got}"
        else:
            response = self.call(
                "POST",
                f"{API}/categories",
                json={"slug": slug, "name": "N"},
                headers=session.headers if session else {},
            )
            self.check(response, 201 if want == 200 else want, "POST /categories")
            self.check_scope(response, session, Who.ADMIN)
        if want == 200:
            self.world.categories.add(slug)

    @rule(index=PICK, graphql=st.booleans())
    def create_product(self, index: int, graphql: bool) -> None:
        """Only an active, signed-in user offers products."""
        session = self.sessions_any(index)
        category = sorted(self.world.categories)[0]
        body = {"name": f"Thing {secrets.token_hex(4)}", "price": "1.50", "category": category}
        want = expected(session, Who.USER)
        if graphql:
            headers = session.headers if session else {}
            response = self.call(
                "POST",
                "/graphql",
                json={"query": CREATE_PRODUCT, "variables": {"input": body}},
                headers=headers,
            )
            payload = response.json()
            got = (
                payload["errors"][0]["extensions"]["status_code"] if payload.get("errors") else 200
            )
            assert got == want, f"createProduct: expected {want}, got {got}"
            product_id = payload["data"]["createProduct"]["id"] if got == 200 else None
        else:
            response = self.call(
                "POST", f"{API}/products", json=body, headers=session.headers if session else {}
            )
            self.check(response, 201 if want == 200 else want, "POST /products")
            self.check_scope(response, session, Who.USER)
            product_id = response.json()["data"]["id"] if want == 200 else None
        if product_id is not None and session is not None:
            self.world.products.append(ProductM(product_id, session.account.id))

    def product_answer(self, session: SessionM | None, product: ProductM) -> int:
        """Owner-or-admin: auth first, then 404 for a deleted product, then ownership."""
        want = expected(session, Who.ACTOR)
        if want != 200 or session is None:
            return want
        if product.deleted:
            return 404
        if session.account.realm is Realm.USER and session.account.id != product.owner_id:
            return 403
        return 200

    @rule(index=PICK, victim=PICK, graphql=st.booleans())
    def update_product(self, index: int, victim: int, graphql: bool) -> None:
        """The owner, or an admin with the `admin` role, changes a product."""
        if not self.world.products:
            return
        session, product = self.sessions_any(index), pick(self.world.products, victim)
        want = self.product_answer(session, product)
        if graphql:
            got = self.gql(
                UPDATE_PRODUCT,
                {"id": product.id, "input": {"name": f"New {secrets.token_hex(4)}"}},
                session,
            )
            assert got == want, f"updateProduct: expected {want}, got {got}"
        else:
            response = self.call(
                "PATCH",
                f"{API}/products/{product.id}",
                json={"name": f"New {secrets.token_hex(4)}"},
                headers=session.headers if session else {},
            )
            self.check(response, want, "PATCH /products")

    @rule(index=PICK, victim=PICK, graphql=st.booleans())
    def delete_product(self, index: int, victim: int, graphql: bool) -> None:
        """The owner, or an admin with the `admin` role, deletes a product."""
        if not self.world.products:
            return
        session, product = self.sessions_any(index), pick(self.world.products, victim)
        want = self.product_answer(session, product)
        if graphql:
            got = self.gql(DELETE_PRODUCT, {"id": product.id}, session)
            assert got == want, f"deleteProduct: expected {want}, got {got}"
        else:
            response = self.call(
                "DELETE",
                f"{API}/products/{product.id}",
                headers=session.headers if session else {},
            )
            self.check(response, want, "DELETE /products")
        if want == 200:
            product.deleted = True

    @rule(index=PICK, graphql=st.booleans())
    def me(self, index: int, graphql: bool) -> None:
        """A user reads their own account."""
        session = self.sessions_any(index)
        want = expected(session, Who.USER)
        if graphql:
            got = self.gql(ME, {}, session)
            assert got == want, f"me: expected {want}, got {got}"
        else:
            headers = session.headers if session else {}
            response = self.call("GET", f"{API}/users/me", headers=headers)
            self.check(response, want, "GET /users/me")
            self.check_scope(response, session, Who.USER)

    @rule(index=PICK, audit=st.booleans())
    def admin_reads(self, index: int, audit: bool) -> None:
        """The audit log and the user list: admins with the `admin` role only."""
        session = self.sessions_any(index)
        path = f"{API}/admin/audit" if audit else f"{API}/admin/users"
        response = self.call("GET", path, headers=session.headers if session else {})
        self.check(response, expected(session, Who.ADMIN), f"GET {path}")
        self.check_scope(response, session, Who.ADMIN)

    @rule()
    def public_reads(self) -> None:
        """Public reads need no token."""
        for path in (f"{API}/products", f"{API}/categories"):
            self.check(self.call("GET", path), 200, f"GET {path}")

    def check_scope(self, response: httpx.Response, session: SessionM | None, who: Who) -> None:
        """A usable token of the other realm is told `insufficient_scope` (not "sign in")."""
        if session is None or expected(session, Who.ACTOR if who is Who.USER else who) == 401:
            return
        account = session.account
        other_realm = (who is Who.USER) is (account.realm is Realm.ADMIN)
        if other_realm and account_refusal(account) is None:
            assert response.headers.get("www-authenticate") == INSUFFICIENT_SCOPE, response.headers


def profile(real: bool) -> settings:
    """Short on fakes (seconds in the unit tier), longer on real servers."""
    return settings(
        max_examples=25 if real else 6,
        stateful_step_count=40 if real else 25,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )


async def test_access_model(
    app: FastAPI, api: httpx.AsyncClient, pytestconfig: pytest.Config
) -> None:
    """Every answer, over every sequence hypothesis tries, is the one the model predicts."""
    loop = asyncio.get_running_loop()
    machine = type(
        "BoundAccessMachine", (AccessMachine,), {"client": api, "app": app, "loop": loop}
    )
    settings_ = profile(is_real(pytestconfig))
    await asyncio.to_thread(run_state_machine_as_test, machine, settings=settings_)
