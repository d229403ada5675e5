"""Use cases about routine sessions: save what the coach ran, list what was run."""

from __future__ import annotations

from datetime import date, datetime

from crampcoach.diary.sessions import SavedSession
from crampcoach.diary.zones import zone_of
from crampcoach.services.diary import user_zone
from crampcoach.services.storage import store_for
from crampcoach.session.record import SessionRecord
from crampcoach.settings import Settings
from crampcoach.store import routine_sessions as session_repo


def save_session(settings: Settings, record: SessionRecord) -> str:
    """Store a finished or partial session; returns its id once it is on disk."""
    if record.started_at.tzinfo is None or record.ended_at.tzinfo is None:
        raise ValueError("a session's started_at and ended_at must be timezone-aware")
    store = store_for(settings)
    zone = zone_of(record.started_at) or user_zone(store)
    with store.write() as session:
        return session_repo.add_session(session=session, record=record, zone=zone).id


def list_sessions(
    settings: Settings,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int | None = None,
) -> list[SavedSession]:
    """Saved sessions, oldest first; `limit` keeps the newest ones."""
    with store_for(settings).read() as session:
        return session_repo.list_sessions(session=session, since=since, until=until, limit=limit)


def completed_routine_nights(settings: Settings, *, since: datetime) -> set[date]:
    """Nights with a completed routine session started at or after `since`."""
    with store_for(settings).read() as session:
        return session_repo.completed_nights(session=session, since=since)
