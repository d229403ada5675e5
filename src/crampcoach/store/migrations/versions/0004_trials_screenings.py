"""Personal trials and red-flag screenings.

Revision ID: 0004_trials_screenings
Revises: 0003_camera_figures
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

AWARE = sa.DateTime(timezone=True)

revision = "0004_trials_screenings"
down_revision = "0003_camera_figures"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trials",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("baseline_days", sa.Integer(), nullable=False),
        sa.Column("block_days", sa.Integer(), nullable=False),
        sa.Column("pairs", sa.Integer(), nullable=False),
        sa.Column("washout_days", sa.Integer(), nullable=False),
        sa.Column("created_at", AWARE, nullable=False),
        sa.Column("stopped_at", AWARE, nullable=True),
        sa.CheckConstraint("pairs >= 1", name="ck_trials_pairs"),
        sa.CheckConstraint("block_days >= 1", name="ck_trials_block_days"),
    )
    op.create_table(
        "screenings",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("taken_at", AWARE, nullable=False),
        sa.Column("level", sa.String(24), nullable=True),
        sa.Column("result", sa.JSON(), nullable=False),
    )
    op.create_index("ix_screenings_taken_at", "screenings", ["taken_at"])


def downgrade() -> None:
    op.drop_index("ix_screenings_taken_at", table_name="screenings")
    op.drop_table("screenings")
    op.drop_table("trials")
