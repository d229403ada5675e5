"""The diary's HTML form: what was typed (kept for re-display), the service's arguments,
and errors by field. Values stay strings until parsed, so a bad one comes back as typed."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from starlette.datastructures import FormData

from crampcoach.diary.models import HELPED, LEGS, MAX_NOTES_LENGTH, PLACES, Episode
from crampcoach.diary.text import unstorable
from crampcoach.errors import UserError
from crampcoach.web.forms import field_error

LOCAL_MINUTE = "%Y-%m-%dT%H:%M"
MAX_MINUTES = 120
TEXT_FIELDS = ("at", "leg", "place", "severity", "minutes", "tags", "notes")
SERVICE_FIELDS = {
    "at": "at",
    "started_at": "at",
    "duration_s": "minutes",
    "minutes": "minutes",
    "leg": "leg",
    "place": "place",
    "severity": "severity",
    "helped": "helped",
    "woke": "woke",
    "tags": "tags",
    "notes": "notes",
}


@dataclass
class EpisodeForm:
    values: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)
    general: str | None = None

    def fail(self, exc: UserError) -> None:
        name, message = field_error(exc, SERVICE_FIELDS)
        if name is None:
            self.general = message
        else:
            self.errors[name] = message


def new_form(*, now_local: datetime, leg: str) -> EpisodeForm:
    values = {"at": now_local.strftime(LOCAL_MINUTE), "leg": leg, "place": "", "severity": ""}
    values.update(minutes="", helped=[], woke=True, tags="", notes="")
    return EpisodeForm(values)


def episode_form(episode: Episode) -> EpisodeForm:
    minutes = episode.duration_s / 60
    return EpisodeForm(
        {
            "at": episode.started_at.strftime(LOCAL_MINUTE),
            "leg": episode.leg,
            "place": episode.place,
            "severity": str(episode.severity),
            "minutes": f"{minutes:g}",
            "helped": list(episode.helped),
            "woke": episode.woke,
            "tags": ", ".join(episode.tags),
            "notes": episode.notes,
        }
    )


def read_form(form: FormData) -> EpisodeForm:
    values: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        value = form.get(name)
        values[name] = value.strip() if isinstance(value, str) else ""
    values["helped"] = [v for v in form.getlist("helped") if isinstance(v, str)]
    values["woke"] = form.get("woke") is not None
    return EpisodeForm(values)


def _number(text: str) -> float | None:
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def parse_form(form: EpisodeForm) -> dict[str, Any]:
    """The service's keyword arguments; records friendly errors on `form` as it goes."""
    v = form.values
    errors = form.errors
    for name in TEXT_FIELDS:
        problem = unstorable(v[name])
        if problem:
            errors[name] = f"This field {problem}."
    if v["leg"] not in LEGS:
        errors.setdefault("leg", "Choose left, right or both.")
    if v["place"] not in PLACES:
        errors.setdefault("place", "Choose where: foot, ankle, calf or thigh.")
    severity = _number(v["severity"])
    if severity is None or severity != int(severity) or not 0 <= severity <= 10:
        errors.setdefault("severity", "Give a whole number from 0 (none) to 10 (worst).")
    minutes = _number(v["minutes"])
    if minutes is None or not 0 <= minutes <= MAX_MINUTES:
        errors.setdefault("minutes", f"Give the minutes it lasted, from 0 to {MAX_MINUTES}.")
    unknown = [item for item in v["helped"] if item not in HELPED]
    if unknown:
        errors.setdefault("helped", "Choose from routine, stretching, walking or nothing.")
    if len(v["notes"]) > MAX_NOTES_LENGTH:
        errors.setdefault("notes", f"Notes are at most {MAX_NOTES_LENGTH} characters.")
    return {
        "at": v["at"] or None,
        "leg": v["leg"],
        "place": v["place"],
        "severity": int(severity) if severity is not None and severity.is_integer() else 0,
        "minutes": minutes if minutes is not None else 0.0,
        "helped": v["helped"],
        "woke": v["woke"],
        "tags": [t.strip() for t in v["tags"].split(",") if t.strip()],
        "notes": v["notes"],
    }
