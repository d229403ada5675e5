"""Engines for the database URL: SQLite tuned for a diary, or PostgreSQL.

SQLite: WAL journal with `synchronous=FULL`, so an entry reported saved is on disk
before the call returns and survives the process being killed (or the power going
out); a 30 s busy timeout plus `BEGIN IMMEDIATE` for writes, so two processes writing
at once queue instead of failing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url

BUSY_TIMEOUT_MS = 30_000
WRITE_OPTION = "crampcoach_write"


def sqlite_path(url: str) -> Path | None:
    """The file of an SQLite URL; None for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # transactions are begun below, our way
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        writing = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def create_db_engine(url: str) -> Engine:
    """An engine for `url`; creates the folder of an SQLite file."""
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        _tune_sqlite(engine)
        return engine
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_engine(url)
        _tune_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True)
