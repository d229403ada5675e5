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
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError

from crampcoach.diary.bounds import excerpt
from crampcoach.errors import UserError

BUSY_TIMEOUT_MS = 30_000
WRITE_OPTION = "crampcoach_write"
SUPPORTED = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
DRIVER_HINTS = {"postgresql": "pip install 'crampcoach[postgres]' (the psycopg driver)"}


class DatabaseUrlError(UserError):
    """A database URL crampcoach cannot use: one line naming what to do."""


def _parsed(url: str) -> URL:
    """The URL, or DatabaseUrlError for one that is not a URL or not a database we run on."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseUrlError(
            f"database URL: not a database URL (got {excerpt(url)}); use e.g. "
            "postgresql+psycopg://user@host/db, or leave it unset for SQLite"
        ) from None
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED:
        raise DatabaseUrlError(
            f"database URL: crampcoach runs on {' and '.join(SUPPORTED.values())}, "
            f"not {excerpt(backend)}"
        )
    return parsed


def _engine(url: str, **options: Any) -> Engine:
    """create_engine, with a missing database driver as one line naming the extra."""
    try:
        return create_engine(url, **options)
    except ModuleNotFoundError as exc:
        parsed = make_url(url)
        backend = parsed.get_backend_name()
        hint = DRIVER_HINTS.get(backend, "install its Python driver")
        if backend == "postgresql" and parsed.get_driver_name() != "psycopg":
            hint = "use postgresql+psycopg://... with " + hint
        raise DatabaseUrlError(
            f"database URL: the {SUPPORTED[backend]} driver {exc.name!r} is not installed; {hint}"
        ) from None


def sqlite_path(url: str) -> Path | None:
    """The file of an SQLite URL; None for other databases and in-memory SQLite."""
    parsed = _parsed(url)
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
        engine = _engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        _tune_sqlite(engine)
        return engine
    if _parsed(url).get_backend_name() == "sqlite":
        engine = _engine(url)
        _tune_sqlite(engine)
        return engine
    return _engine(url, pool_pre_ping=True)
