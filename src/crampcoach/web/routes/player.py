"""/play/NAME: the guided player page. It fetches the engine's timeline and plays it."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from crampcoach.protocol.models import LegChoice
from crampcoach.services.preferences import effective_preferences
from crampcoach.services.screening import long_cramp_advice
from crampcoach.web.deps import SettingsDep, StoreDep, TemplatesDep, routine_or_404

router = APIRouter(include_in_schema=False)


@router.get("/play/{name}", response_class=HTMLResponse)
def player_page(
    request: Request,
    name: str,
    settings: SettingsDep,
    store: StoreDep,
    templates: TemplatesDep,
    leg: LegChoice | None = None,
    tempo_s: float | None = Query(None, ge=0.5, le=30),
    speed: float = Query(1.0, ge=0.1, le=1000),
) -> Response:
    routine = routine_or_404(name)
    preferred = effective_preferences(store, settings)
    return templates.TemplateResponse(
        request,
        "player.html",
        {
            "page": "player",
            "routine": routine,
            "leg": leg or preferred.leg,
            "tempo_s": tempo_s if tempo_s is not None else preferred.tempo_s,
            "speed": speed,
            "voice": preferred.voice,
            "long_cramp": long_cramp_advice(store),
        },
    )
