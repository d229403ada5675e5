"""/api/sessions: a player posts what happened; the engine replays it and it is saved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, HTTPException, Query

from crampcoach.errors import RoutineError
from crampcoach.services.routines import builtin_routine
from crampcoach.services.sessions import list_sessions, save_session
from crampcoach.session import SessionRecord, build_timeline
from crampcoach.session.record import with_camera_figures
from crampcoach.session.replay import Command, ReplayError, replay
from crampcoach.web.deps import LiveFiguresDep, SettingsDep
from crampcoach.web.schemas import SessionCreate, SessionPublic

router = APIRouter(prefix="/api/sessions", tags=["sessions"])
CLOCK_SKEW = timedelta(minutes=5)


def _public(session_id: str, record: SessionRecord) -> SessionPublic:
    return SessionPublic(
        id=session_id,
        routine_name=record.routine_name,
        routine_title=record.routine_title,
        mode=record.mode,
        leg=record.leg,
        started_at=record.started_at,
        ended_at=record.ended_at,
        completed=record.completed,
        steps=list(record.steps),
    )


@router.post("", response_model=SessionPublic, status_code=201)
def create_session(
    settings: SettingsDep, figures: LiveFiguresDep, data: SessionCreate
) -> SessionPublic:
    """Save a session played in the browser. What was done is counted here, by replaying
    the logged commands through the same engine the terminal coach uses; what the live
    camera measured (when it was on) is kept beside it, per step."""
    if data.ended_at > datetime.now(UTC) + CLOCK_SKEW:
        raise HTTPException(status_code=422, detail="ended_at: is in the future")
    try:
        routine = builtin_routine(data.routine)
    except RoutineError as exc:
        raise HTTPException(status_code=422, detail=f"routine: {exc}") from None
    timeline = build_timeline(routine, leg=data.leg, tempo_s=data.tempo_s)
    commands = [Command(c.at_s, c.name) for c in data.commands]
    try:
        record = replay(
            timeline,
            commands,
            started_at=data.started_at.astimezone(UTC),
            ended_at=data.ended_at.astimezone(UTC),
        )
    except ReplayError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from None
    if data.camera is not None:
        record = with_camera_figures(record, figures.take(data.camera))
    return _public(save_session(settings, record), record)


@router.get("", response_model=list[SessionPublic])
def recent_sessions(
    settings: SettingsDep, limit: int = Query(20, ge=1, le=500)
) -> list[SessionPublic]:
    """The newest sessions, newest first."""
    saved = list_sessions(settings, limit=limit)
    return [_public(s.id, s.record) for s in reversed(saved)]
