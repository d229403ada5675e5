"""The open database: short read and write transactions, one writer per process."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

from crampcoach.store.engine import WRITE_OPTION, create_db_engine, sqlite_path
from crampcoach.store.migrate import upgrade_to_head
from crampcoach.store.models import DiaryVersionRow

_BUMP = update(DiaryVersionRow).values(version=DiaryVersionRow.version + 1)


class Store:
    """A migrated database, owned by whoever opened it (the web app, one CLI command) and
    closed by them: there is no process-wide registry of open stores. `write()` is
    serialised within the store; on SQLite it also takes the file's write lock up front
    (BEGIN IMMEDIATE), so writers queue, never fail."""

    def __init__(self, url: str, *, migrate: bool = True) -> None:
        self.url = url
        self.engine: Engine = create_db_engine(url)
        self._writer = self.engine.execution_options(**{WRITE_OPTION: True})
        self._write_lock = threading.Lock()
        if migrate:
            upgrade_to_head(self.engine)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def sqlite_file(self) -> Path | None:
        return sqlite_path(self.url)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as db, db.begin():
            yield db

    @contextmanager
    def write(self, *, diary: bool = True) -> Iterator[Session]:
        """One transaction; committed (and on disk) when the block ends without error. It
        raises the diary's version, the one rule that tells caches the diary changed;
        `diary=False` for a write nothing derived from the diary depends on (a paired
        device seen), so those caches stay."""
        with (
            self._write_lock,
            Session(self._writer, expire_on_commit=False) as db,
            db.begin(),
        ):
            yield db
            if diary:
                db.execute(_BUMP)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
