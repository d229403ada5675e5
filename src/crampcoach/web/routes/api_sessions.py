"""/api/sessions: a player posts what happened; the engine replays it and it is saved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, HTTPException, Query, Response

from crampcoach.services.sessions import (
    PlayedSessionError,
    list_sessions,
    played_session,
    save_session,
    store_session,
)
from crampcoach.session import SessionRecord
from crampcoach.web.deps import LiveFiguresDep, StoreDep
from crampcoach.web.idempotency import REPEATED, IdempotencyKeyDep
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
        verdict=record.verdict,
        steps=list(record.steps),
    )


@router.post("", response_model=SessionPublic, status_code=201, responses=REPEATED)
def create_session(
    store: StoreDep,
    figures: LiveFiguresDep,
    data: SessionCreate,
    response: Response,
    key: IdempotencyKeyDep,
) -> SessionPublic:
    """Save a session played in the browser. What was done is counted here, by replaying
    the logged commands through the same engine the terminal coach uses; what the live
    camera measured (when it was on) is kept beside it, per step. With an
    `Idempotency-Key`, the answer is the session as stored, and a repeat (also one
    arriving at the same moment) gets the session stored the first time, with 200, and
    nothing is added."""
    if data.ended_at > datetime.now(UTC) + CLOCK_SKEW:
        raise HTTPException(status_code=422, detail="ended_at: is in the future")
    try:
        record = played_session(
            routine=data.routine,
            leg=data.leg,
            tempo_s=data.tempo_s,
            commands=[(c.at_s, c.name) for c in data.commands],
            started_at=data.started_at,
            ended_at=data.ended_at,
            camera_figures=figures.take(data.camera) if data.camera is not None else None,
        )
    except PlayedSessionError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from None
    if key is None:
        return _public(save_session(store, record), record)
    stored = store_session(store, record, client_key=key)
    if not stored.new:
        response.status_code = 200
    return _public(stored.session.id, stored.session.record)


@router.get("", response_model=list[SessionPublic])
def recent_sessions(store: StoreDep, limit: int = Query(20, ge=1, le=500)) -> list[SessionPublic]:
    """The newest sessions, newest first."""
    saved = list_sessions(store, limit=limit)
    return [_public(s.id, s.record) for s in reversed(saved)]
