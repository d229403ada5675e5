"""The diary's HTML form: what was typed (kept for re-display), the service's arguments,
and errors by field. Values stay strings until parsed, so a bad one comes back as typed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from starlette.datastructures import FormData

from crampcoach.diary.models import Episode
from crampcoach.diary.when import parse_at
from crampcoach.errors import DiaryError, UserError
from crampcoach.web.forms import field_error, parse_number, sentence

LOCAL_MINUTE = "%Y-%m-%dT%H:%M"
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
    duplicate: str | None = None  # it looks like a cramp already logged: ask first

    def fail(self, exc: UserError) -> None:
        name, message = field_error(exc, SERVICE_FIELDS)
        if name is None:
            self.general = message
        else:
            self.errors[name] = message
        others = exc.others if isinstance(exc, DiaryError) else {}
        for other, reason in others.items():
            if other in SERVICE_FIELDS:
                self.errors.setdefault(SERVICE_FIELDS[other], sentence(reason))


def new_form(*, now_local: datetime, leg: str) -> EpisodeForm:
    values = {"at": now_local.strftime(LOCAL_MINUTE), "leg": leg, "place": "", "severity": ""}
    values.update(minutes="", helped=[], woke=True, tags="", notes="")
    return EpisodeForm(values)


def episode_form(episode: Episode) -> EpisodeForm:
    minutes = None if episode.duration_s is None else episode.duration_s / 60
    return EpisodeForm(
        {
            "at": episode.started_at.strftime(LOCAL_MINUTE),
            "leg": episode.leg,
            "place": episode.place,
            "severity": str(episode.severity),
            "minutes": "" if minutes is None else f"{minutes:g}",
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


def _whole(text: str) -> int | str:
    """A whole number as typed ("7"), else the text itself for the service to refuse."""
    try:
        return int(text)
    except ValueError:
        return text


def read_at(arguments: dict[str, Any], *, zone: str, now: datetime) -> dict[str, Any]:
    """The service's arguments: the typed `at` read as the moment it names in `zone`
    (`started_at`; None when not given). Raises DiaryError for the `at` field."""
    rest = dict(arguments)
    at = rest.pop("at")
    return {**rest, "started_at": None if at is None else parse_at(at, now=now, zone=zone)}


def parse_form(form: EpisodeForm) -> dict[str, Any]:
    """The service's keyword arguments: the typed text turned into numbers and lists. What
    is allowed is the service's to say (the same rules as the CLI, the API and imports)."""
    v = form.values
    return {
        "at": v["at"] or None,
        "leg": v["leg"],
        "place": v["place"],
        "severity": _whole(v["severity"]),
        "minutes": parse_number(v["minutes"]) if v["minutes"] else None,
        "helped": v["helped"],
        "woke": v["woke"],
        "tags": [t.strip() for t in v["tags"].split(",") if t.strip()],
        "notes": v["notes"],
    }
