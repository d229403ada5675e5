"""The diary: cramp episodes, routine sessions with their steps, the profile.

Revision ID: 0001_diary
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_diary"
down_revision = None
branch_labels = None
depends_on = None

AWARE = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "episodes",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("started_at", AWARE, nullable=False),
        sa.Column("zone", sa.String(64), nullable=False),
        sa.Column("night", sa.Date(), nullable=False),
        sa.Column("duration_s", sa.Integer(), nullable=False),
        sa.Column("leg", sa.String(8), nullable=False),
        sa.Column("place", sa.String(8), nullable=False),
        sa.Column("severity", sa.Integer(), nullable=False),
        sa.Column("woke", sa.Boolean(), nullable=False),
        sa.Column("helped", sa.JSON(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("pain_after", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", AWARE, nullable=False),
        sa.Column("updated_at", AWARE, nullable=False),
        sa.Column("deleted_at", AWARE, nullable=True),
        sa.CheckConstraint("severity BETWEEN 0 AND 10", name="ck_episodes_severity"),
        sa.CheckConstraint("duration_s >= 0", name="ck_episodes_duration"),
        sa.CheckConstraint("leg IN ('left', 'right', 'both')", name="ck_episodes_leg"),
        sa.CheckConstraint("place IN ('foot', 'ankle', 'calf', 'thigh')", name="ck_episodes_place"),
        sa.CheckConstraint(
            "pain_after IS NULL OR pain_after BETWEEN 0 AND 10", name="ck_episodes_pain_after"
        ),
    )
    op.create_index("ix_episodes_night", "episodes", ["night"])
    op.create_index("ix_episodes_started_at", "episodes", ["started_at"])
    op.create_index("ix_episodes_deleted_at", "episodes", ["deleted_at"])

    op.create_table(
        "routine_sessions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("routine_name", sa.String(100), nullable=False),
        sa.Column("routine_version", sa.Integer(), nullable=False),
        sa.Column("routine_title", sa.String(200), nullable=False),
        sa.Column("mode", sa.String(40), nullable=False),
        sa.Column("leg", sa.String(8), nullable=False),
        sa.Column("tempo_s", sa.Float(), nullable=False),
        sa.Column("started_at", AWARE, nullable=False),
        sa.Column("ended_at", AWARE, nullable=False),
        sa.Column("zone", sa.String(64), nullable=False),
        sa.Column("night", sa.Date(), nullable=False),
        sa.Column("completed", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_routine_sessions_started_at", "routine_sessions", ["started_at"])

    op.create_table(
        "routine_session_steps",
        sa.Column(
            "session_id",
            sa.String(36),
            sa.ForeignKey("routine_sessions.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("position", sa.Integer(), primary_key=True),
        sa.Column("exercise_id", sa.String(100), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("unit", sa.String(40), nullable=False),
        sa.Column("leg", sa.String(8), nullable=True),
        sa.Column("planned", sa.Float(), nullable=False),
        sa.Column("done", sa.Float(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
    )

    op.create_table(
        "profile",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("bedtime", sa.String(5), nullable=True),
        sa.Column("medicines", sa.JSON(), nullable=False),
        sa.Column("conditions", sa.JSON(), nullable=False),
        sa.Column("updated_at", AWARE, nullable=False),
        sa.CheckConstraint("id = 1", name="ck_profile_single_row"),
    )


def downgrade() -> None:
    op.drop_table("profile")
    op.drop_table("routine_session_steps")
    op.drop_index("ix_routine_sessions_started_at", table_name="routine_sessions")
    op.drop_table("routine_sessions")
    op.drop_index("ix_episodes_deleted_at", table_name="episodes")
    op.drop_index("ix_episodes_started_at", table_name="episodes")
    op.drop_index("ix_episodes_night", table_name="episodes")
    op.drop_table("episodes")
