"""Alembic environment of the MySQL role (admins)."""

from app.database.migration_env import run_env
from app.models.mysql import MySQLBase

run_env("mysql", MySQLBase.metadata)
