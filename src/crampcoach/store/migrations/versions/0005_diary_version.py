"""The diary's version: a number every write raises, so what is worked out from the diary
(the Insights summary) can be kept until the diary changes, also by another process.

Revision ID: 0005_diary_version
Revises: 0004_trials_screenings
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_diary_version"
down_revision = "0004_trials_screenings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "diary_version",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_diary_version_single_row"),
    )
    op.bulk_insert(table, [{"id": 1, "version": 0}])


def downgrade() -> None:
    op.drop_table("diary_version")
