"""Camera figures on session steps: what live coaching counted, beside what was planned.

Revision ID: 0003_camera_figures
Revises: 0002_preferences
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_camera_figures"
down_revision = "0002_preferences"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable columns (None: the camera was off): added in place on SQLite and PostgreSQL.
    with op.batch_alter_table("routine_session_steps") as batch:
        batch.add_column(sa.Column("camera_done", sa.Float(), nullable=True))
        batch.add_column(sa.Column("camera_range_deg", sa.Float(), nullable=True))
        batch.add_column(sa.Column("camera_seen", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("routine_session_steps") as batch:
        batch.drop_column("camera_seen")
        batch.drop_column("camera_range_deg")
        batch.drop_column("camera_done")
