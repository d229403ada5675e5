"""Repository of routine sessions (what the coach ran) and their steps."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import fields as dataclass_fields
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from crampcoach.diary.night import night_in_zone
from crampcoach.diary.sessions import PREVENTIVE_MODES, SavedSession
from crampcoach.session.record import SessionRecord, StepRecord
from crampcoach.store.models import RoutineSessionRow, RoutineStepRow
from crampcoach.store.new_rows import insert_new

# The columns are the records' own fields, named once (session/record.py): a step's
# `index` is stored as `position`; a session's `steps` are rows of their own.
RECORD_FIELDS = tuple(f.name for f in dataclass_fields(SessionRecord) if f.name != "steps")
STEP_FIELDS = tuple(f.name for f in dataclass_fields(StepRecord))
STEP_COLUMNS = {name: "position" if name == "index" else name for name in STEP_FIELDS}


def _to_saved(row: RoutineSessionRow) -> SavedSession:
    tz = ZoneInfo(row.zone)
    steps = tuple(
        StepRecord(**{name: getattr(step, column) for name, column in STEP_COLUMNS.items()})
        for step in row.steps
    )
    head = {name: getattr(row, name) for name in RECORD_FIELDS}
    head |= {"started_at": row.started_at.astimezone(tz), "ended_at": row.ended_at.astimezone(tz)}
    record = SessionRecord(**head, steps=steps)
    return SavedSession(id=row.id, zone=row.zone, night=row.night, record=record)


def add_session(
    *,
    db: Session,
    record: SessionRecord,
    zone: str,
    session_id: str | None = None,
    client_key: str | None = None,
) -> SavedSession:
    """Store a session (see `insert_session` for `client_key`)."""
    return insert_session(
        db=db, record=record, zone=zone, session_id=session_id, client_key=client_key
    )[0]


def insert_session(
    *,
    db: Session,
    record: SessionRecord,
    zone: str,
    session_id: str | None = None,
    client_key: str | None = None,
) -> tuple[SavedSession, bool]:
    """The session as stored, and whether this call stored it. With a `client_key` (the
    idempotency key the page made for it), a session already stored under that key is
    returned instead and nothing is added (False), also when the two copies arrive at the
    same moment."""
    if client_key is not None:
        return _add_once(db, record, zone, session_id or str(uuid.uuid4()), client_key)
    session_id = session_id or str(uuid.uuid4())
    row = RoutineSessionRow(
        **_head(session_id, record, zone),
        steps=[RoutineStepRow(**_step_columns(step)) for step in record.steps],
    )
    db.add(row)
    db.flush()
    return _to_saved(row), True


def _head(session_id: str, record: SessionRecord, zone: str) -> dict[str, Any]:
    """A session's own row, as a Core insert and the ORM row take it."""
    return {
        "id": session_id,
        **{name: getattr(record, name) for name in RECORD_FIELDS},
        "zone": zone,
        "night": night_in_zone(record.started_at, zone),
        "completed": record.completed,  # the work-done rule's verdict, for the nights query
    }


def _step_columns(step: StepRecord) -> dict[str, Any]:
    return {column: getattr(step, name) for name, column in STEP_COLUMNS.items()}


def _step_rows(session_id: str, record: SessionRecord) -> list[dict[str, Any]]:
    return [{"session_id": session_id, **_step_columns(step)} for step in record.steps]


def _add_once(
    db: Session, record: SessionRecord, zone: str, session_id: str, client_key: str
) -> tuple[SavedSession, bool]:
    head = {**_head(session_id, record, zone), "client_key": client_key}
    new = bool(insert_new(db=db, rows=[head], key=RoutineSessionRow.id))
    steps = _step_rows(session_id, record)
    if new and steps:
        db.execute(insert(RoutineStepRow.__table__), steps)
    stored = session_by_client_key(db=db, client_key=client_key)
    assert stored is not None  # inserted now, or by the copy that came first
    return stored, new


def session_by_client_key(*, db: Session, client_key: str) -> SavedSession | None:
    """The session stored under this idempotency key, if any."""
    query = select(RoutineSessionRow).where(RoutineSessionRow.client_key == client_key)
    row = db.scalars(query).first()
    return _to_saved(row) if row is not None else None


def add_sessions(*, db: Session, sessions: Sequence[SavedSession]) -> set[str]:
    """Insert saved sessions as they are (an import): ids kept, in two bulk statements. A
    session whose id is already stored is left alone (steps and all), also when another
    import adds it at the same moment; returns the ids really inserted."""
    heads = [_head(saved.id, saved.record, saved.zone) for saved in sessions]
    steps = [row for saved in sessions for row in _step_rows(saved.id, saved.record)]
    added = insert_new(db=db, rows=heads, key=RoutineSessionRow.id)
    new_steps = [step for step in steps if step["session_id"] in added]
    if new_steps:
        db.execute(insert(RoutineStepRow.__table__), new_steps)
    return added


def completed_nights(*, db: Session, since: datetime | None = None) -> set[date]:
    """The nights (of the sessions' own zones) with a completed preventive routine (not a
    cramp-now one, which a cramp brings on) since `since`."""
    query = (
        select(RoutineSessionRow.night)
        .where(
            RoutineSessionRow.completed.is_(True),
            RoutineSessionRow.mode.in_(sorted(PREVENTIVE_MODES)),
        )
        .distinct()
    )
    if since is not None:
        query = query.where(RoutineSessionRow.started_at >= since)
    return set(db.scalars(query))


def list_sessions(
    *,
    db: Session,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int | None = None,
) -> list[SavedSession]:
    """Sessions oldest first (by start, then id); the newest `limit` when limited."""
    query = select(RoutineSessionRow)
    if since is not None:
        query = query.where(RoutineSessionRow.started_at >= since)
    if until is not None:
        query = query.where(RoutineSessionRow.started_at < until)
    if limit is not None:
        newest = query.order_by(RoutineSessionRow.started_at.desc(), RoutineSessionRow.id.desc())
        rows = list(db.scalars(newest.limit(limit)))[::-1]
    else:
        rows = list(db.scalars(query.order_by(RoutineSessionRow.started_at, RoutineSessionRow.id)))
    return [_to_saved(row) for row in rows]


def count_sessions(*, db: Session) -> int:
    return int(db.scalar(select(func.count()).select_from(RoutineSessionRow)) or 0)
