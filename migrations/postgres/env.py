"""Alembic environment of the PostgreSQL role (users, categories)."""

from app.database.migration_env import run_env
from app.models.postgres import PostgresBase

run_env("postgres", PostgresBase.metadata)
