"""One username in any letter case: a unique index on lower(username).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    # Concurrent registrations of "Ann" and "ann" both pass the service's check; only the
    # database can refuse the second. Existing case-twins must be merged before upgrading.
    op.create_index("uq_users_username_lower", "users", [sa.text("lower(username)")], unique=True)


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index("uq_users_username_lower", table_name="users")
