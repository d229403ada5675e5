"""Bring a database to the newest schema with Alembic; run whenever the store opens.

A database already at `HEAD` is read in one query and Alembic is not even imported (its
import costs more than a whole `crampcoach log`); only a database behind runs Alembic.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from crampcoach.store.engine import WRITE_OPTION

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
# The newest migration's revision (a test holds it equal to Alembic's head): a new
# migration changes it.
HEAD = "0008_country_minutes_work"
_PG_LOCK_KEY = 0x6372616D70  # "cramp": one migrator at a time on a server


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def at_head(engine: Engine) -> bool:
    """Whether the database's schema is the newest already (False when it has none)."""
    try:
        with engine.connect() as connection:
            versions = connection.execute(text("SELECT version_num FROM alembic_version"))
            return [row[0] for row in versions] == [HEAD]
    except SQLAlchemyError:  # no alembic_version table yet: a new database
        return False


def upgrade_to_head(engine: Engine) -> None:
    """Apply every pending migration in one transaction, one process at a time."""
    if at_head(engine):
        return
    from alembic import command

    config = alembic_config()
    with engine.execution_options(**{WRITE_OPTION: True}).begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
