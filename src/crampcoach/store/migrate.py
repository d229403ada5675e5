"""Bring a database to the newest schema with Alembic; run whenever the store opens."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

from crampcoach.store.engine import WRITE_OPTION

MIGRATIONS = Path(__file__).parent / "migrations"
_PG_LOCK_KEY = 0x6372616D70  # "cramp": one migrator at a time on a server


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade_to_head(engine: Engine) -> None:
    """Apply every pending migration in one transaction, one process at a time."""
    config = alembic_config()
    with engine.execution_options(**{WRITE_OPTION: True}).begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
