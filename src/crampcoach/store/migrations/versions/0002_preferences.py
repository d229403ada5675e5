"""Preferences on the profile: default leg, tempo and voice (nullable: unset = default).

Revision ID: 0002_preferences
Revises: 0001_diary
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_preferences"
down_revision = "0001_diary"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable columns: SQLite adds them in place (no table copy), PostgreSQL likewise.
    with op.batch_alter_table("profile") as batch:
        batch.add_column(sa.Column("default_leg", sa.String(8), nullable=True))
        batch.add_column(sa.Column("tempo_s", sa.Float(), nullable=True))
        batch.add_column(sa.Column("voice", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("profile") as batch:
        batch.drop_column("voice")
        batch.drop_column("tempo_s")
        batch.drop_column("default_leg")
