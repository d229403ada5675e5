"""One episode as the fields of a diary file, and back (validated, naming the field at fault)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from crampcoach.diary.bounds import EXCERPT_CHARS, excerpt, year_problem
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
REQUIRED_FIELDS = frozenset({"started_at", "zone", "leg", "place", "severity"})
_ID_NAMESPACE = uuid.UUID("5b0c8f4e-7d1a-4c3e-9a55-63726d706361")
MAX_ID_TEXT = 45  # a UUID as `urn:uuid:...`, its longest accepted spelling


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


def shown_name(name: str) -> str:
    """A field or column name as a message shows it: as it is, or an excerpt when long."""
    return name if len(name) <= EXCERPT_CHARS and name.isprintable() else excerpt(name)


def _given_id(value: Any) -> bool:
    """Whether a file gives an id: null, an empty or blank text mean "none", like no id."""
    return not (value is None or (isinstance(value, str) and not value.strip()))


def _check_id(value: Any, where: str) -> str:
    """The id in its canonical form (a UUID); anything else is refused, naming the field."""
    try:
        if not isinstance(value, str) or len(value) > MAX_ID_TEXT:
            raise ValueError(value)
        return str(uuid.UUID(value.strip()))
    except ValueError:
        raise DiaryError(f"not an id (got {excerpt(value)})", field="id", where=where) from None


def episode_from_fields(data: dict[str, Any], *, where: str, now: datetime) -> Episode:
    """An Episode from a file's fields; DiaryError names `where` and the field at fault."""
    unknown = sorted(set(data) - set(EPISODE_FIELDS))
    if unknown:
        raise DiaryError("unknown field", field=shown_name(unknown[0]), where=where)
    missing = sorted(name for name in REQUIRED_FIELDS if data.get(name) in (None, ""))
    if missing:
        raise DiaryError("missing", field=missing[0], where=where)
    fields = {name: value for name, value in data.items() if name != "night"}
    given = fields.get("id")
    fields["id"] = _check_id(given, where) if _given_id(given) else _stable_id(fields)
    fields.setdefault("helped", [])
    fields.setdefault("tags", [])
    fields.setdefault("notes", "")
    fields["night"] = "2000-01-01"  # replaced below, once started_at and zone are valid
    for stamp in ("created_at", "updated_at"):
        if not fields.get(stamp):
            fields[stamp] = fields["started_at"]
    episode = build(Episode, fields, where=where)
    if episode.started_at > now + CLOCK_SKEW:
        raise DiaryError(f"{episode.started_at} is in the future", field="started_at", where=where)
    for stamp in ("created_at", "updated_at"):  # kept as the file has them: in the calendar
        problem = year_problem(getattr(episode, stamp))
        if problem:
            raise DiaryError(problem, field=stamp, where=where)
    zone = ZoneInfo(episode.zone)
    return episode.model_copy(
        update={
            "started_at": episode.started_at.astimezone(zone),
            "night": night_in_zone(episode.started_at, episode.zone),
            "created_at": episode.created_at.replace(microsecond=0),
            "updated_at": episode.updated_at.replace(microsecond=0),
        }
    )
