"""Opening the store the settings name, and the system's own time zone."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from crampcoach.diary.zones import check_zone
from crampcoach.settings import Settings
from crampcoach.store import Store

# What the database may raise besides bad input (a lock held too long, a lost
# connection): the front ends catch this name, not the library's.
StorageError = SQLAlchemyError


def open_store(settings: Settings) -> Store:
    """The database the settings name, opened and migrated: the caller owns it (the web
    app for its life, a CLI command for its run) and closes it."""
    return Store(settings.resolved_database_url)


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def system_zone() -> str:
    """The IANA zone this computer runs in (TZ, then /etc/localtime), else UTC."""
    candidates = [os.environ.get("TZ", "").removeprefix(":")]
    localtime = Path("/etc/localtime")
    if localtime.is_symlink():
        target = str(localtime.resolve())
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    timezone_file = Path("/etc/timezone")
    if timezone_file.is_file():
        candidates.append(timezone_file.read_text(encoding="utf-8").strip())
    for name in candidates:
        if not name:
            continue
        try:
            return check_zone(name)
        except ValueError:
            continue
    return "UTC"
