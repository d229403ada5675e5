"""One episode as the fields of a diary file, and back (validated, naming the field at fault)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from crampcoach.diary.models import Episode
from crampcoach.diary.night import night_in_zone
from crampcoach.diary.validation import build
from crampcoach.diary.when import CLOCK_SKEW
from crampcoach.errors import DiaryError

EPISODE_FIELDS: tuple[str, ...] = (
    "id",
    "night",
    "started_at",
    "zone",
    "duration_s",
    "leg",
    "place",
    "severity",
    "woke",
    "helped",
    "tags",
    "pain_after",
    "notes",
    "created_at",
    "updated_at",
)
REQUIRED_FIELDS = frozenset({"started_at", "zone", "duration_s", "leg", "place", "severity"})
_ID_NAMESPACE = uuid.UUID("5b0c8f4e-7d1a-4c3e-9a55-63726d706361")


def episode_fields(episode: Episode) -> dict[str, Any]:
    """JSON-ready fields in a fixed order; the start in the person's own zone."""
    return {
        "id": episode.id,
        "night": episode.night.isoformat(),
        "started_at": episode.started_at.astimezone(ZoneInfo(episode.zone)).isoformat(),
        "zone": episode.zone,
        "duration_s": episode.duration_s,
        "leg": episode.leg,
        "place": episode.place,
        "severity": episode.severity,
        "woke": episode.woke,
        "helped": list(episode.helped),
        "tags": list(episode.tags),
        "pain_after": episode.pain_after,
        "notes": episode.notes,
        "created_at": episode.created_at.isoformat(),
        "updated_at": episode.updated_at.isoformat(),
    }


def _stable_id(data: dict[str, Any]) -> str:
    """An id for an entry written without one: the same entry always gets the same id."""
    key = "|".join(str(data.get(name)) for name in ("started_at", "zone", "leg", "place"))
    return str(uuid.uuid5(_ID_NAMESPACE, key))


def _check_id(value: Any, where: str) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise DiaryError(f"{where}, field id: not an id (got {value!r})") from None


def episode_from_fields(data: dict[str, Any], *, where: str, now: datetime) -> Episode:
    """An Episode from a file's fields; DiaryError names `where` and the field at fault."""
    unknown = sorted(set(data) - set(EPISODE_FIELDS))
    if unknown:
        raise DiaryError(f"{where}, field {unknown[0]}: unknown field")
    missing = sorted(name for name in REQUIRED_FIELDS if data.get(name) in (None, ""))
    if missing:
        raise DiaryError(f"{where}, field {missing[0]}: missing")
    fields = {name: value for name, value in data.items() if name != "night"}
    fields["id"] = _check_id(fields["id"], where) if fields.get("id") else _stable_id(fields)
    fields.setdefault("helped", [])
    fields.setdefault("tags", [])
    fields.setdefault("notes", "")
    fields["night"] = "2000-01-01"  # replaced below, once started_at and zone are valid
    for stamp in ("created_at", "updated_at"):
        if not fields.get(stamp):
            fields[stamp] = fields["started_at"]
    episode = build(Episode, fields, where=where)
    if episode.started_at > now + CLOCK_SKEW:
        raise DiaryError(f"{where}, field started_at: {episode.started_at} is in the future")
    zone = ZoneInfo(episode.zone)
    return episode.model_copy(
        update={
            "started_at": episode.started_at.astimezone(zone),
            "night": night_in_zone(episode.started_at, episode.zone),
            "created_at": episode.created_at.replace(microsecond=0),
            "updated_at": episode.updated_at.replace(microsecond=0),
        }
    )
