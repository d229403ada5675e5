"""Use cases about routine sessions: save what the coach ran, list what was run."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

from crampcoach.diary.sessions import SavedSession
from crampcoach.diary.zones import zone_of
from crampcoach.errors import RoutineError, UserError
from crampcoach.services.diary import user_zone
from crampcoach.services.routines import builtin_routine
from crampcoach.services.storage import Store
from crampcoach.session.record import CameraFigures, SessionRecord, with_camera_figures
from crampcoach.session.replay import Command, ReplayError, replay
from crampcoach.session.timeline import build_timeline
from crampcoach.store import routine_sessions as session_repo


@dataclass(frozen=True)
class Stored:
    """A session as stored, and whether this call stored it (False: a copy sent before
    under the same client key was stored then; nothing was added now)."""

    session: SavedSession
    new: bool


class PlayedSessionError(UserError):
    """A session sent by a player that cannot be what was played: `field` names the part."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field


def played_session(
    *,
    routine: str,
    leg: str,
    tempo_s: float | None,
    commands: Iterable[tuple[float, str]],
    started_at: datetime,
    ended_at: datetime,
    camera_figures: Mapping[int, CameraFigures] | None = None,
) -> SessionRecord:
    """What a player (the browser's) did, counted by replaying its logged commands
    through the same engine the terminal coach uses; the live camera's figures, when the
    camera was on, are kept beside each step. Raises PlayedSessionError."""
    try:
        found = builtin_routine(routine)
    except RoutineError as exc:
        raise PlayedSessionError(str(exc), field="routine") from None
    timeline = build_timeline(found, leg=leg, tempo_s=tempo_s)
    try:
        record = replay(
            timeline,
            [Command(at_s, name) for at_s, name in commands],  # type: ignore[arg-type]
            started_at=started_at.astimezone(UTC),
            ended_at=ended_at.astimezone(UTC),
        )
    except ReplayError as exc:
        raise PlayedSessionError(str(exc)) from None
    return with_camera_figures(record, camera_figures) if camera_figures is not None else record


def save_session(store: Store, record: SessionRecord, *, client_key: str | None = None) -> str:
    """Store a finished or partial session; returns its id once it is on disk."""
    return store_session(store, record, client_key=client_key).session.id


def store_session(store: Store, record: SessionRecord, *, client_key: str | None = None) -> Stored:
    """Store a session, once: with a `client_key` (the idempotency key the page made for
    it), a session stored under that key before comes back and nothing is added."""
    if record.started_at.tzinfo is None or record.ended_at.tzinfo is None:
        raise ValueError("a session's started_at and ended_at must be timezone-aware")
    zone = zone_of(record.started_at) or user_zone(store)
    with store.write() as db:
        saved, new = session_repo.insert_session(
            db=db, record=record, zone=zone, client_key=client_key
        )
    return Stored(saved, new)


def list_sessions(
    store: Store,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int | None = None,
) -> list[SavedSession]:
    """Saved sessions, oldest first; `limit` keeps the newest ones."""
    with store.read() as db:
        return session_repo.list_sessions(db=db, since=since, until=until, limit=limit)


def completed_routine_nights(store: Store, *, since: datetime) -> set[date]:
    """Nights with a completed routine session started at or after `since`."""
    with store.read() as db:
        return session_repo.completed_nights(db=db, since=since)
