"""Repository of routine sessions (what the coach ran) and their steps."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import fields as dataclass_fields
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from crampcoach.diary.night import night_in_zone
from crampcoach.diary.sessions import PREVENTIVE_MODES, SavedSession
from crampcoach.session.record import SessionRecord, StepRecord
from crampcoach.store.models import RoutineSessionRow, RoutineStepRow
from crampcoach.store.new_rows import insert_new


def _to_saved(row: RoutineSessionRow) -> SavedSession:
    tz = ZoneInfo(row.zone)
    steps = tuple(
        StepRecord(
            index=step.position,
            exercise_id=step.exercise_id,
            label=step.label,
            kind=step.kind,
            unit=step.unit,
            leg=step.leg,
            planned=step.planned,
            done=step.done,
            status=step.status,  # type: ignore[arg-type]
            camera_done=step.camera_done,
            camera_range_deg=step.camera_range_deg,
            camera_seen=step.camera_seen,
        )
        for step in row.steps
    )
    record = SessionRecord(
        routine_name=row.routine_name,
        routine_version=row.routine_version,
        routine_title=row.routine_title,
        mode=row.mode,
        leg=row.leg,
        tempo_s=row.tempo_s,
        started_at=row.started_at.astimezone(tz),
        ended_at=row.ended_at.astimezone(tz),
        completed=row.completed,
        steps=steps,
    )
    return SavedSession(id=row.id, zone=row.zone, night=row.night, record=record)


def add_session(
    *, session: Session, record: SessionRecord, zone: str, session_id: str | None = None
) -> SavedSession:
    row = RoutineSessionRow(
        id=session_id or str(uuid.uuid4()),
        routine_name=record.routine_name,
        routine_version=record.routine_version,
        routine_title=record.routine_title,
        mode=record.mode,
        leg=record.leg,
        tempo_s=record.tempo_s,
        started_at=record.started_at,
        ended_at=record.ended_at,
        zone=zone,
        night=night_in_zone(record.started_at, zone),
        completed=record.completed,
        steps=[
            RoutineStepRow(
                position=step.index,
                exercise_id=step.exercise_id,
                label=step.label,
                kind=step.kind,
                unit=step.unit,
                leg=step.leg,
                planned=step.planned,
                done=step.done,
                status=step.status,
                camera_done=step.camera_done,
                camera_range_deg=step.camera_range_deg,
                camera_seen=step.camera_seen,
            )
            for step in record.steps
        ],
    )
    session.add(row)
    session.flush()
    return _to_saved(row)


def add_sessions(*, session: Session, sessions: Sequence[SavedSession]) -> set[str]:
    """Insert saved sessions as they are (an import): ids kept, in two bulk statements. A
    session whose id is already stored is left alone (steps and all), also when another
    import adds it at the same moment; returns the ids really inserted."""
    heads = []
    steps = []
    for saved in sessions:
        record = saved.record
        heads.append(
            {
                "id": saved.id,
                "routine_name": record.routine_name,
                "routine_version": record.routine_version,
                "routine_title": record.routine_title,
                "mode": record.mode,
                "leg": record.leg,
                "tempo_s": record.tempo_s,
                "started_at": record.started_at,
                "ended_at": record.ended_at,
                "zone": saved.zone,
                "night": night_in_zone(record.started_at, saved.zone),
                "completed": record.completed,
            }
        )
        for step in record.steps:
            fields = {field.name: getattr(step, field.name) for field in dataclass_fields(step)}
            fields["position"] = fields.pop("index")
            steps.append({"session_id": saved.id, **fields})
    added = insert_new(session=session, rows=heads, key=RoutineSessionRow.id)
    new_steps = [step for step in steps if step["session_id"] in added]
    if new_steps:
        session.execute(insert(RoutineStepRow.__table__), new_steps)
    return added


def completed_nights(*, session: Session, since: datetime | None = None) -> set[date]:
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
    return set(session.scalars(query))


def list_sessions(
    *,
    session: Session,
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
        rows = list(session.scalars(newest.limit(limit)))[::-1]
    else:
        rows = list(
            session.scalars(query.order_by(RoutineSessionRow.started_at, RoutineSessionRow.id))
        )
    return [_to_saved(row) for row in rows]


def count_sessions(*, session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(RoutineSessionRow)) or 0)
