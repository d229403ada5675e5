"""Use cases about diary files: export (CSV, JSON, FHIR), import, and backup."""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal, get_args

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


@dataclass(frozen=True)
class ImportResult:
    episodes_added: int
    episodes_present: int
    sessions_added: int
    sessions_present: int
    profile_set: bool


def read_content(store: Store) -> DiaryContent:
    with store.read() as session:
        return DiaryContent(
            profile=profile_repo.get_profile(session=session),
            episodes=episode_repo.list_episodes(session=session),
            sessions=session_repo.list_sessions(session=session),
        )


def export_diary(store: Store, fmt: Format) -> str:
    """The diary as CSV (entries only), JSON (profile, entries, sessions) or a FHIR R4
    Bundle of Observations (entries and medicines, for a health record)."""
    if fmt == "csv":
        with store.read() as session:
            return write_csv(episode_repo.list_episodes(session=session))
    if fmt == "fhir":
        content = read_content(store)
        bundle = fhir_bundle(content.episodes, content.profile, now=utc_now())
        return json.dumps(bundle, indent=2, ensure_ascii=False) + "\n"
    return write_json(read_content(store))


def write_file(path: Path, content: str | bytes) -> None:
    """Write whole or not at all: a temporary file renamed into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    data = content.encode("utf-8") if isinstance(content, str) else content
    with partial.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    partial.replace(path)


def parse_file(path: Path, *, now: datetime) -> DiaryContent:
    """Read and validate a whole diary file (CSV or JSON, by suffix or content)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UserError(f"no such file: {path}") from None
    except UnicodeDecodeError:
        raise ImportFileError(f"{path.name}: not a UTF-8 text file") from None
    is_json = path.suffix.lower() == ".json" or (
        path.suffix.lower() != ".csv" and text.lstrip().startswith("{")
    )
    if is_json:
        return read_json(text, name=path.name, now=now)
    return DiaryContent(episodes=read_csv(text, name=path.name, now=now))


def import_diary(store: Store, path: Path, *, now: datetime | None = None) -> ImportResult:
    """Validate the whole file first, then add what is new in one transaction.

    Entries and sessions whose id is already present are left as they are, so importing
    the same file twice adds nothing. The profile is taken only when there is none yet.
    """
    content = parse_file(path, now=now or utc_now())
    with store.write() as session:
        present = episode_repo.existing_ids(session=session, ids=[e.id for e in content.episodes])
        new_episodes = [e for e in content.episodes if e.id not in present]
        episode_repo.add_episodes(session=session, episodes=new_episodes)
        seen = session_repo.existing_session_ids(
            session=session, ids=[s.id for s in content.sessions]
        )
        new_sessions = [s for s in content.sessions if s.id not in seen]
        session_repo.add_sessions(session=session, sessions=new_sessions)
        profile_set = False
        if content.profile and profile_repo.get_profile(session=session) is None:
            profile_repo.set_profile(session=session, profile=content.profile, now=now or utc_now())
            profile_set = True
    return ImportResult(
        episodes_added=len(new_episodes),
        episodes_present=len(present),
        sessions_added=len(new_sessions),
        sessions_present=len(seen),
        profile_set=profile_set,
    )


def backup_diary(store: Store, path: Path) -> str:
    """SQLite: a consistent online copy of the database file; otherwise a JSON export.

    Returns what was written: "sqlite" or "json".
    """
    source_file = store.sqlite_file
    if source_file is None:
        write_file(path, export_diary(store, "json"))
        return "json"
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(source_file, timeout=30)
    target = sqlite3.connect(partial)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    partial.replace(path)
    return "sqlite"
