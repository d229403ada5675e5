"""/: the Today page: cramp now, bedtime routine, the last nights and the streak."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from crampcoach.services.diary import standing
from crampcoach.services.preferences import effective_preferences
from crampcoach.services.routines import routine_catalogue
from crampcoach.web.deps import SettingsDep, StoreDep, TemplatesDep

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def today(
    request: Request, settings: SettingsDep, store: StoreDep, templates: TemplatesDep
) -> Response:
    known = standing(store)  # one small read; the view is kept until the diary changes
    view = request.app.state.today.view(store, known=known)
    return templates.TemplateResponse(
        request,
        "today.html",
        {
            "page": "today",
            "overview": view.overview,
            "routines": routine_catalogue(),
            "leg": effective_preferences(store, settings, known).leg,
            "trial": view.trial,
        },
    )
