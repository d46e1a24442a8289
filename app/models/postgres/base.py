"""The declarative base of the PostgreSQL role, with its own metadata."""

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from app.models.naming import NAMING_CONVENTION


class PostgresBase(DeclarativeBase):
    """Base of every table in the users/categories database."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
