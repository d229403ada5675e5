"""/settings: the profile (zone, bedtime, medicines, conditions) and the preferences
routines use (default leg, tempo, voice), saved together or not at all; and the phones
paired by `crampcoach serve --lan`, each with a Revoke button."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from crampcoach.diary.preferences import MAX_TEMPO_S, MIN_TEMPO_S
from crampcoach.diary.zones import country_names
from crampcoach.errors import DiaryError, NotFoundError
from crampcoach.safety.countries import country_for_zone
from crampcoach.services.devices import list_devices, revoke_device
from crampcoach.services.preferences import (
    PREFERENCE_FIELDS,
    PROFILE_FIELDS,
    effective_preferences,
    read_settings,
    update_settings,
)
from crampcoach.services.storage import Store
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


def _when(moment: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    return f"{local.day} {local:%b %Y, %H:%M}"


def _devices(request: Request, store: Store) -> list[dict[str, Any]]:
    """The paired devices as the page shows them, in the profile's time zone."""
    zone = ZoneInfo(read_settings(store).profile.timezone)
    current = getattr(request.state, "device", None)
    return [
        {
            "id": d.id,
            "name": d.name,
            "paired": _when(d.created_at, zone),
            "seen": _when(d.last_seen_at, zone),
            "this": d.id == current,
        }
        for d in list_devices(store)
    ]


def _page(
    request: Request,
    templates: TemplatesDep,
    values: dict[str, Any],
    errors: dict[str, str],
    settings: SettingsDep,
    store: Store,
    status: int = 200,
) -> Response:
    context = {
        "devices": _devices(request, store),
        "page": "settings",
        "flash": take_flash(request),
        "values": values,
        "errors": errors,
        "zones": zone_names(),
        "countries": country_names(),
        "zone_country": country_names().get(country_for_zone(values["timezone"]) or ""),
        "defaults": settings,
        "tempo_range": (MIN_TEMPO_S, MAX_TEMPO_S),
    }
    return templates.TemplateResponse(request, "settings.html", context, status_code=status)


@router.get("/settings", response_class=HTMLResponse)
def settings_page(
    request: Request, templates: TemplatesDep, store: StoreDep, settings: SettingsDep
) -> Response:
    view = read_settings(store)
    effective = effective_preferences(store, settings)
    values = {
        "timezone": view.profile.timezone,
        "country": view.profile.country or "",
        "bedtime": view.profile.bedtime or "",
        "medicines": "\n".join(view.profile.medicines),
        "conditions": "\n".join(view.profile.conditions),
        "default_leg": effective.leg,
        "tempo_s": f"{effective.tempo_s:g}",
        "voice": effective.voice,
    }
    return _page(request, templates, values, {}, settings, store)


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
        for name in (
            "timezone",
            "country",
            "bedtime",
            "medicines",
            "conditions",
            "default_leg",
            "tempo_s",
        )
    }
    values["voice"] = posted.get("voice") is not None
    tempo = parse_number(values["tempo_s"]) if values["tempo_s"] else None
    changes = {
        "timezone": values["timezone"],
        "country": values["country"] or None,
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
    return _page(request, templates, values, errors, settings, store, status=422)


@router.post("/settings/devices/{device_id}/revoke")
def revoke(request: Request, store: StoreDep, device_id: str) -> Response:
    """Unpair a device: its next request is sent to the login page."""
    try:
        device = revoke_device(store, device_id)
    except NotFoundError as exc:
        set_flash(request, sentence(str(exc)))
    else:
        set_flash(request, f"{device.name} is no longer paired.")
    return RedirectResponse("/settings", status_code=303)
