"""/api/routines and /api/timeline: the routines and the timeline the engine builds."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Query

from crampcoach.protocol.models import LegChoice
from crampcoach.services.preferences import effective_preferences
from crampcoach.services.routines import routine_catalogue
from crampcoach.session import build_timeline
from crampcoach.web.deps import SettingsDep, StoreDep, routine_or_404
from crampcoach.web.schemas import RoutinePublic, TimelinePublic

router = APIRouter(prefix="/api", tags=["routines"])


@router.get("/routines", response_model=list[RoutinePublic])
def list_routines() -> list[RoutinePublic]:
    return [
        RoutinePublic(
            name=e.name,
            title=e.title,
            mode=e.mode,
            version=e.version,
            summary=e.summary,
            minutes=round(e.minutes, 1),
        )
        for e in routine_catalogue()
    ]


@router.get("/timeline", response_model=TimelinePublic)
def timeline(
    store: StoreDep,
    settings: SettingsDep,
    routine: str = Query(..., min_length=1, max_length=60, description="A shipped routine."),
    leg: LegChoice | None = None,
    tempo_s: float | None = Query(None, ge=0.5, le=30, allow_inf_nan=False),
) -> TimelinePublic:
    """The whole timeline of a routine, as the session engine expands it."""
    chosen = routine_or_404(routine)
    preferred = effective_preferences(store, settings)
    built = build_timeline(
        chosen,
        leg=leg or preferred.leg,
        tempo_s=tempo_s if tempo_s is not None else preferred.tempo_s,
    )
    data = asdict(built)
    data.pop("starts")
    data["total_s"] = built.total_s
    return TimelinePublic.model_validate(data)
