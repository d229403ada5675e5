"""Use cases about diary files: export (CSV, JSON, FHIR), import, and backup."""

from __future__ import annotations

import errno
import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal, get_args

from crampcoach.diary.bounds import excerpt
from crampcoach.errors import ImportFileError, UserError
from crampcoach.export.diary_csv import read_csv, write_csv
from crampcoach.export.diary_json import DiaryContent, read_json, write_json
from crampcoach.export.fhir_bundle import fhir_bundle
from crampcoach.services.storage import utc_now
from crampcoach.store import Store
from crampcoach.store import episodes as episode_repo
from crampcoach.store import profile as profile_repo
from crampcoach.store import routine_sessions as session_repo

Format = Literal["csv", "json", "fhir"]
FORMATS: tuple[str, ...] = get_args(Format)
MAX_FILE_BYTES = 64 * 2**20  # ten years of a diary, sessions and all, is a few MB
MAX_SHOWN_PATH = 200


@dataclass(frozen=True)
class ImportResult:
    episodes_added: int
    episodes_present: int
    sessions_added: int
    sessions_present: int
    profile_set: bool


def read_content(store: Store) -> DiaryContent:
    with store.read() as db:
        return DiaryContent(
            profile=profile_repo.get_profile(db=db),
            episodes=episode_repo.list_episodes(db=db),
            sessions=session_repo.list_sessions(db=db),
        )


def export_diary(store: Store, fmt: Format) -> str:
    """The diary as CSV (entries only), JSON (profile, entries, sessions) or a FHIR R4
    Bundle of Observations (entries and medicines, for a health record)."""
    if fmt == "csv":
        with store.read() as db:
            return write_csv(episode_repo.list_episodes(db=db))
    if fmt == "fhir":
        content = read_content(store)
        bundle = fhir_bundle(content.episodes, content.profile, now=utc_now())
        return json.dumps(bundle, indent=2, ensure_ascii=False) + "\n"
    return write_json(read_content(store))


def shown_path(path: Path) -> str:
    """A path as a message shows it: whole when it is of a sane length, else an excerpt."""
    text = str(path)
    return text if len(text) <= MAX_SHOWN_PATH else excerpt(text)


def refuse_own_database(store: Store, path: Path) -> None:
    """UserError when `path` is the diary's own SQLite file (or its journal): writing an
    export or a backup over it would lose the diary."""
    database = store.sqlite_file
    if database is None:
        return
    own = database.resolve()
    companions = {own, *(own.with_name(own.name + end) for end in ("-wal", "-shm", "-journal"))}
    if path.resolve() in companions:
        raise UserError(f"{shown_path(path)} is the diary's own database; write to another file")


@contextmanager
def _written(path: Path) -> Iterator[Path]:
    """A temporary file beside `path` to write, renamed into place when the block ends:
    whole or not at all, nothing left behind. Any failure is one UserError naming `path`."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        if path.is_dir():
            raise IsADirectoryError(errno.EISDIR, "it is a folder; give a file name")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except FileExistsError:  # a file where a folder of the path should be
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR)) from None
        partial.unlink(missing_ok=True)
        yield partial
        partial.replace(path)
    except BaseException as exc:
        with suppress(OSError):
            partial.unlink(missing_ok=True)
        if not isinstance(exc, OSError | sqlite3.Error):
            raise
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise UserError(f"cannot write {shown_path(path)}: {reason}") from None


def write_file(path: Path, content: str | bytes) -> None:
    """Write whole or not at all: a temporary file renamed into place; UserError when it
    cannot be written."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    with _written(path) as partial, partial.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def read_text_file(path: Path) -> str:
    """A diary file's text; UserError for a folder, a missing or unreadable file, a file too
    large to be a diary, or one that is not UTF-8 text."""
    shown = shown_path(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise UserError(f"no such file: {shown}") from None
    except IsADirectoryError:
        raise UserError(f"{shown} is a folder, not a diary file") from None
    except OSError as exc:
        raise UserError(f"cannot read {shown}: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // 2**20
        raise ImportFileError(f"{shown_path(Path(path.name))}: over {limit} MB, not a diary file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(f"{shown_path(Path(path.name))}: not a UTF-8 text file") from None


def parse_file(path: Path, *, now: datetime) -> DiaryContent:
    """Read and validate a whole diary file (CSV or JSON, by suffix or content)."""
    text = read_text_file(path)
    name = shown_path(Path(path.name))
    is_json = path.suffix.lower() == ".json" or (
        path.suffix.lower() != ".csv" and text.lstrip().startswith("{")
    )
    if is_json:
        return read_json(text, name=name, now=now)
    return DiaryContent(episodes=read_csv(text, name=name, now=now))


def import_diary(store: Store, path: Path, *, now: datetime | None = None) -> ImportResult:
    """Validate the whole file first, then add what is new in one transaction.

    Entries and sessions whose id is already present are left as they are, so importing
    the same file twice adds nothing, also when two imports run at once (each entry is
    stored once, and both report what they really added). The profile is taken only when
    there is none yet.
    """
    now = now or utc_now()
    content = parse_file(path, now=now)
    with store.write() as db:
        added = episode_repo.add_episodes(db=db, episodes=content.episodes)
        sessions_added = session_repo.add_sessions(db=db, sessions=content.sessions)
        profile_set = content.profile is not None and profile_repo.add_profile_if_missing(
            db=db, profile=content.profile, now=now
        )
    return ImportResult(
        episodes_added=len(added),
        episodes_present=len(content.episodes) - len(added),
        sessions_added=len(sessions_added),
        sessions_present=len(content.sessions) - len(sessions_added),
        profile_set=profile_set,
    )


def backup_diary(store: Store, path: Path) -> str:
    """SQLite: a consistent online copy of the database file; otherwise a JSON export.

    Returns what was written: "sqlite" or "json"; UserError when it cannot be written.
    """
    refuse_own_database(store, path)
    source_file = store.sqlite_file
    if source_file is None:
        write_file(path, export_diary(store, "json"))
        return "json"
    with _written(path) as partial:
        partial.touch()  # an unwritable place fails here, with the system's own reason
        source = sqlite3.connect(source_file, timeout=30)
        target = sqlite3.connect(partial)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    return "sqlite"
