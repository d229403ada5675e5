"""What the diary holds: cramp episodes and the profile. Plain pydantic models, no storage.

Names follow one pattern: `EpisodeBase` (what a person tells), `EpisodeCreate` (a new
entry), `EpisodeUpdate` (a change, every field optional), `Episode` (a stored entry).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal, get_args

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    field_validator,
)

from crampcoach.diary.bounds import (
    MAX_DURATION_S,
    MAX_ID_LENGTH,
    MAX_ITEM_LENGTH,
    MAX_LIST_ITEMS,
    MAX_NOTES_LENGTH,
    MAX_SEVERITY,
    MAX_TAG_LENGTH,
    MAX_TAGS,
    MAX_ZONE_LENGTH,
    year_problem,
)
from crampcoach.diary.text import storable
from crampcoach.diary.zones import check_country, check_zone

LegName = Literal["left", "right", "both"]
PlaceName = Literal["foot", "ankle", "calf", "thigh"]
# What helped: the cramp-now steps' own words (stretching, massage, warmth, cold: AAOS and
# NHS), walking, the routine, or nothing.
HelpedName = Literal["stretching", "massage", "warmth", "cold", "walking", "routine", "nothing"]

LEGS: tuple[str, ...] = get_args(LegName)
PLACES: tuple[str, ...] = get_args(PlaceName)
HELPED: tuple[str, ...] = get_args(HelpedName)


def _word(value: object) -> object:
    """A choice as people type it: "Left ", "LEFT" and "left" are the same leg."""
    return value.strip().lower() if isinstance(value, str) else value


Leg = Annotated[LegName, BeforeValidator(_word)]
Place = Annotated[PlaceName, BeforeValidator(_word)]
Helped = Annotated[HelpedName, BeforeValidator(_word)]


def _clean_tags(values: list[str]) -> list[str]:
    """Lower-case, trimmed, no duplicates, order kept; `;` separates tags in CSV."""
    seen: list[str] = []
    for raw in values:
        tag = " ".join(storable(raw).split()).lower()
        if not tag:
            continue
        if ";" in tag:
            raise ValueError("a tag cannot contain ';'")
        if len(tag) > MAX_TAG_LENGTH:
            raise ValueError(f"a tag is at most {MAX_TAG_LENGTH} characters")
        if tag not in seen:
            seen.append(tag)
    return seen


def _clean_helped(values: list[str]) -> list[str]:
    """No duplicates, in the fixed order routine, stretching, walking, nothing."""
    return [item for item in HELPED if item in values]


def _clean_lines(values: list[str]) -> list[str]:
    """Medicines or conditions: one line each, spaces collapsed, no duplicates."""
    cleaned: list[str] = []
    for raw in values:
        item = " ".join(storable(raw).split())
        if len(item) > MAX_ITEM_LENGTH:
            raise ValueError(f"a line is at most {MAX_ITEM_LENGTH} characters")
        if item and item not in cleaned:
            cleaned.append(item)
    return cleaned


def _in_calendar(value: datetime) -> datetime:
    problem = year_problem(value)
    if problem:
        raise ValueError(problem)
    return value.replace(microsecond=0)


def _in_calendar_day(value: date) -> date:
    problem = year_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _zone(value: str) -> str:
    return check_zone(storable(value))


def _episode_id(value: str) -> str:
    """A UUID in its canonical form (an import keeps the file's ids)."""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise ValueError("not an id (a UUID like 1b4e28ba-2fa1-11d2-883f-0016d3cca427)") from None


# The fields' types, shared by every model that carries them (and by the JSON API's
# schemas): numbers are strict (a JSON `true` is not a severity), texts storable and bounded.
Moment = Annotated[AwareDatetime, AfterValidator(_in_calendar)]
Night = Annotated[date, AfterValidator(_in_calendar_day)]
Zone = Annotated[str, Field(max_length=MAX_ZONE_LENGTH), AfterValidator(_zone)]
Severity = Annotated[StrictInt, Field(ge=0, le=MAX_SEVERITY)]
DurationS = Annotated[StrictInt, Field(ge=0, le=MAX_DURATION_S)]
Tags = Annotated[list[str], Field(max_length=MAX_TAGS), AfterValidator(_clean_tags)]
HelpedList = Annotated[list[Helped], Field(max_length=len(HELPED)), AfterValidator(_clean_helped)]
Notes = Annotated[str, Field(max_length=MAX_NOTES_LENGTH), AfterValidator(storable)]
Lines = Annotated[list[str], Field(max_length=MAX_LIST_ITEMS), AfterValidator(_clean_lines)]
EpisodeId = Annotated[str, Field(max_length=MAX_ID_LENGTH), AfterValidator(_episode_id)]
Country = Annotated[str, Field(max_length=8), AfterValidator(check_country)]
Bedtime = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EpisodeBase(_Model):
    started_at: Moment
    zone: Zone = Field(description="The IANA time zone the person was in.")
    duration_s: DurationS | None = Field(default=None, description="None: not known.")
    leg: Leg
    place: Place
    severity: Severity = Field(description="0-10 numeric rating scale.")
    woke: StrictBool = True
    helped: HelpedList = Field(default_factory=list)
    tags: Tags = Field(default_factory=list)
    pain_after: Severity | None = None
    notes: Notes = ""

    @field_validator("notes")
    @classmethod
    def _trim_notes(cls, value: str) -> str:
        return value.strip()


class EpisodeCreate(EpisodeBase):
    """A new entry. An `id` may be given (an import keeps the file's ids)."""

    id: EpisodeId | None = None


class EpisodeUpdate(_Model):
    """A change to an entry: only the fields given are changed."""

    started_at: Moment | None = None
    zone: Zone | None = None
    duration_s: DurationS | None = None
    leg: Leg | None = None
    place: Place | None = None
    severity: Severity | None = None
    woke: StrictBool | None = None
    helped: HelpedList | None = None
    tags: Tags | None = None
    pain_after: Severity | None = None
    notes: Notes | None = None


class Episode(EpisodeBase):
    """A stored entry: its stable id, the night it belongs to, and when it was written."""

    id: str = Field(max_length=MAX_ID_LENGTH)
    night: date
    created_at: Moment
    updated_at: Moment
    deleted_at: Moment | None = None


class EpisodeFilter(_Model):
    """Which entries to list; every condition is optional and they all apply."""

    night_from: Night | None = None
    night_to: Night | None = None
    leg: Leg | None = None
    place: Place | None = None
    min_severity: Severity | None = None
    max_severity: Severity | None = None
    limit: StrictInt | None = Field(default=None, ge=1)


class Profile(_Model):
    timezone: Zone
    country: Country | None = Field(
        default=None, description="Where the person lives (ISO 3166); None: from the zone."
    )
    bedtime: Bedtime | None = None
    medicines: Lines = Field(default_factory=list)
    conditions: Lines = Field(default_factory=list)
