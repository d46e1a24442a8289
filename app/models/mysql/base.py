"""The declarative base of the MySQL role, with its own metadata."""

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from app.models.naming import NAMING_CONVENTION


class MySQLBase(DeclarativeBase):
    """Base of every table in the admin account store."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
