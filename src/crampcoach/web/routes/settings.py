"""/settings: the profile (zone, bedtime, medicines, conditions) and the preferences
routines use (default leg, tempo, voice). Saved together or not at all."""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from zoneinfo import available_timezones

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from crampcoach.diary.preferences import MAX_TEMPO_S, MIN_TEMPO_S
from crampcoach.errors import DiaryError
from crampcoach.services.preferences import (
    PREFERENCE_FIELDS,
    PROFILE_FIELDS,
    effective_preferences,
    read_settings,
    update_settings,
)
from crampcoach.web.deps import SettingsDep, StoreDep, TemplatesDep
from crampcoach.web.flash import set_flash, take_flash
from crampcoach.web.forms import FormDep, field_error, form_text, parse_number, sentence

router = APIRouter(include_in_schema=False)
FIELDS = {name: name for name in (*PROFILE_FIELDS, *PREFERENCE_FIELDS)}


@lru_cache(maxsize=1)
def zone_names() -> list[str]:
    return sorted(name for name in available_timezones() if "/" in name or name == "UTC")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _page(
    request: Request,
    templates: TemplatesDep,
    values: dict[str, Any],
    errors: dict[str, str],
    settings: SettingsDep,
    status: int = 200,
) -> Response:
    context = {
        "page": "settings",
        "flash": take_flash(request),
        "values": values,
        "errors": errors,
        "zones": zone_names(),
        "defaults": settings,
        "tempo_range": (MIN_TEMPO_S, MAX_TEMPO_S),
    }
    return templates.TemplateResponse(request, "settings.html", context, status_code=status)


@router.get("/settings", response_class=HTMLResponse)
def settings_page(
    request: Request, templates: TemplatesDep, store: StoreDep, settings: SettingsDep
) -> Response:
    view = read_settings(store)
    effective = effective_preferences(settings)
    values = {
        "timezone": view.profile.timezone,
        "bedtime": view.profile.bedtime or "",
        "medicines": "\n".join(view.profile.medicines),
        "conditions": "\n".join(view.profile.conditions),
        "default_leg": effective.leg,
        "tempo_s": f"{effective.tempo_s:g}",
        "voice": effective.voice,
    }
    return _page(request, templates, values, {}, settings)


@router.post("/settings", response_class=HTMLResponse)
def save_settings(
    request: Request,
    templates: TemplatesDep,
    store: StoreDep,
    settings: SettingsDep,
    posted: FormDep,
) -> Response:
    values: dict[str, Any] = {
        name: form_text(posted, name)
        for name in ("timezone", "bedtime", "medicines", "conditions", "default_leg", "tempo_s")
    }
    values["voice"] = posted.get("voice") is not None
    tempo = parse_number(values["tempo_s"]) if values["tempo_s"] else None
    changes = {
        "timezone": values["timezone"],
        "bedtime": values["bedtime"] or None,
        "medicines": _lines(values["medicines"]),
        "conditions": _lines(values["conditions"]),
        "default_leg": values["default_leg"],
        "tempo_s": tempo,
        "voice": values["voice"],
    }
    errors: dict[str, str] = {}
    try:
        update_settings(store, changes)
    except DiaryError as exc:
        name, message = field_error(exc, FIELDS)
        errors[name or "form"] = message
        for other, reason in exc.others.items():
            errors.setdefault(FIELDS.get(other, "form"), sentence(reason))
    else:
        set_flash(request, "Settings saved.")
        return RedirectResponse("/settings", status_code=303)
    return _page(request, templates, values, errors, settings, status=422)
