"""The MySQL role's tables; importing this registers them all on `MySQLBase.metadata`."""

from app.models.mysql.admins import Admin
from app.models.mysql.base import MySQLBase

__all__ = ["Admin", "MySQLBase"]
