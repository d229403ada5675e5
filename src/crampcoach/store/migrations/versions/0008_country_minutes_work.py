"""Where the person lives; cramps of unknown length; sessions judged by the work done.

- profile.country: an ISO 3166 code (NULL: guessed from the time zone) choosing the
  numbers in the advice.
- episodes.duration_s may be NULL: a person at 3 a.m. often does not know how long it
  lasted, and a made-up 0 would drag every average down.
- routine_sessions.completed is worked out again from each session's steps by the one rule
  (crampcoach.session.work_done): a session skipped through with Next no longer counts as
  a routine night.

Revision ID: 0008_country_minutes_work
Revises: 0007_client_keys
Create Date: 2026-12-07
"""

from __future__ import annotations

from types import SimpleNamespace

import sqlalchemy as sa
from alembic import op

from crampcoach.session.work_done import work_done

revision = "0008_country_minutes_work"
down_revision = "0007_client_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("profile", sa.Column("country", sa.String(2), nullable=True))
    with op.batch_alter_table("episodes") as batch:  # SQLite changes a column by copying
        batch.alter_column("duration_s", existing_type=sa.Integer(), nullable=True)
    _judge_sessions_by_work_done()


def _judge_sessions_by_work_done() -> None:
    connection = op.get_bind()
    steps = sa.table(
        "routine_session_steps",
        sa.column("session_id", sa.String),
        sa.column("kind", sa.String),
        sa.column("unit", sa.String),
        sa.column("planned", sa.Float),
        sa.column("done", sa.Float),
        sa.column("camera_done", sa.Float),
    )
    sessions = sa.table(
        "routine_sessions", sa.column("id", sa.String), sa.column("completed", sa.Boolean)
    )
    by_session: dict[str, list[SimpleNamespace]] = {
        session_id: [] for session_id in connection.execute(sa.select(sessions.c.id)).scalars()
    }
    for row in connection.execute(sa.select(steps)).mappings():
        by_session.setdefault(row["session_id"], []).append(SimpleNamespace(**row))
    for session_id, session_steps in by_session.items():
        reached = work_done(session_steps).reached
        connection.execute(
            sessions.update().where(sessions.c.id == session_id).values(completed=reached)
        )


def downgrade() -> None:
    op.execute("UPDATE episodes SET duration_s = 0 WHERE duration_s IS NULL")
    with op.batch_alter_table("episodes") as batch:
        batch.alter_column("duration_s", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("profile") as batch:
        batch.drop_column("country")
