"""Client keys: the idempotency key a page makes for each cramp and routine session it
sends, so a copy sent again (a phone that was offline, a send repeated) adds nothing.
Unique where given; older rows have none.

Revision ID: 0007_client_keys
Revises: 0006_devices
Create Date: 2026-12-14
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_client_keys"
down_revision = "0006_devices"
branch_labels = None
depends_on = None

TABLES = ("episodes", "routine_sessions")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("client_key", sa.String(64), nullable=True))
        op.create_index(f"ux_{table}_client_key", table, ["client_key"], unique=True)


def downgrade() -> None:
    for table in TABLES:
        op.drop_index(f"ux_{table}_client_key", table_name=table)
        with op.batch_alter_table(table) as batch:  # SQLite drops a column by copying
            batch.drop_column("client_key")
