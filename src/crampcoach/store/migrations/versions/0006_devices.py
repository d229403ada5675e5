"""Paired devices: phones logged in by the QR code of `crampcoach serve --lan`, each by a
random token whose SHA-256 is kept here, until revoked.

Revision ID: 0006_devices
Revises: 0005_diary_version
Create Date: 2026-12-14
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

AWARE = sa.DateTime(timezone=True)

revision = "0006_devices"
down_revision = "0005_diary_version"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "devices",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", AWARE, nullable=False),
        sa.Column("last_seen_at", AWARE, nullable=False),
        sa.Column("revoked_at", AWARE, nullable=True),
    )
    op.create_index("ux_devices_token_hash", "devices", ["token_hash"], unique=True)


def downgrade() -> None:
    op.drop_index("ux_devices_token_hash", table_name="devices")
    op.drop_table("devices")
