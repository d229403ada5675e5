"""What the diary holds: cramp episodes and the profile. Plain pydantic models, no storage.

Names follow one pattern: `EpisodeBase` (what a person tells), `EpisodeCreate` (a new
entry), `EpisodeUpdate` (a change, every field optional), `Episode` (a stored entry).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal, get_args

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from crampcoach.diary.zones import check_zone

Leg = Literal["left", "right", "both"]
Place = Literal["foot", "ankle", "calf", "thigh"]
Helped = Literal["routine", "stretching", "walking", "nothing"]

LEGS: tuple[str, ...] = get_args(Leg)
PLACES: tuple[str, ...] = get_args(Place)
HELPED: tuple[str, ...] = get_args(Helped)

MAX_DURATION_S = 2 * 60 * 60  # a cramp longer than two hours is a typo, or a case for a doctor
MAX_TAG_LENGTH = 40
MAX_NOTES_LENGTH = 4000


def _clean_tags(values: list[str]) -> list[str]:
    """Lower-case, trimmed, no duplicates, order kept; `;` separates tags in CSV."""
    seen: list[str] = []
    for raw in values:
        tag = " ".join(str(raw).split()).lower()
        if not tag:
            continue
        if ";" in tag:
            raise ValueError(f"a tag cannot contain ';' (got {tag!r})")
        if len(tag) > MAX_TAG_LENGTH:
            raise ValueError(f"a tag is at most {MAX_TAG_LENGTH} characters")
        if tag not in seen:
            seen.append(tag)
    return seen


def _clean_helped(values: list[str]) -> list[str]:
    """No duplicates, in the fixed order routine, stretching, walking, nothing."""
    return [item for item in HELPED if item in values]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EpisodeBase(_Model):
    started_at: AwareDatetime
    zone: str = Field(description="The IANA time zone the person was in.")
    duration_s: int = Field(ge=0, le=MAX_DURATION_S)
    leg: Leg
    place: Place
    severity: int = Field(ge=0, le=10, description="0-10 numeric rating scale.")
    woke: bool = True
    helped: list[Helped] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    pain_after: int | None = Field(default=None, ge=0, le=10)
    notes: str = Field(default="", max_length=MAX_NOTES_LENGTH)

    @field_validator("zone")
    @classmethod
    def _zone(cls, value: str) -> str:
        return check_zone(value)

    @field_validator("tags")
    @classmethod
    def _tags(cls, value: list[str]) -> list[str]:
        return _clean_tags(value)

    @field_validator("helped")
    @classmethod
    def _helped(cls, value: list[str]) -> list[str]:
        return _clean_helped(value)

    @field_validator("started_at")
    @classmethod
    def _whole_seconds(cls, value: datetime) -> datetime:
        return value.replace(microsecond=0)

    @field_validator("notes")
    @classmethod
    def _trim_notes(cls, value: str) -> str:
        return value.strip()


class EpisodeCreate(EpisodeBase):
    """A new entry. An `id` may be given (an import keeps the file's ids)."""

    id: str | None = None


class EpisodeUpdate(_Model):
    """A change to an entry: only the fields given are changed."""

    started_at: AwareDatetime | None = None
    zone: str | None = None
    duration_s: int | None = Field(default=None, ge=0, le=MAX_DURATION_S)
    leg: Leg | None = None
    place: Place | None = None
    severity: int | None = Field(default=None, ge=0, le=10)
    woke: bool | None = None
    helped: list[Helped] | None = None
    tags: list[str] | None = None
    pain_after: int | None = Field(default=None, ge=0, le=10)
    notes: str | None = Field(default=None, max_length=MAX_NOTES_LENGTH)

    @field_validator("zone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        return None if value is None else check_zone(value)

    @field_validator("tags")
    @classmethod
    def _tags(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else _clean_tags(value)

    @field_validator("helped")
    @classmethod
    def _helped(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else _clean_helped(value)

    @field_validator("started_at")
    @classmethod
    def _whole_seconds(cls, value: datetime | None) -> datetime | None:
        return None if value is None else value.replace(microsecond=0)


class Episode(EpisodeBase):
    """A stored entry: its stable id, the night it belongs to, and when it was written."""

    id: str
    night: date
    created_at: AwareDatetime
    updated_at: AwareDatetime
    deleted_at: AwareDatetime | None = None


class EpisodeFilter(_Model):
    """Which entries to list; every condition is optional and they all apply."""

    night_from: date | None = None
    night_to: date | None = None
    leg: Leg | None = None
    place: Place | None = None
    min_severity: int | None = Field(default=None, ge=0, le=10)
    max_severity: int | None = Field(default=None, ge=0, le=10)
    limit: int | None = Field(default=None, ge=1)


class Profile(_Model):
    timezone: str
    bedtime: str | None = Field(default=None, pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    medicines: list[str] = Field(default_factory=list)
    conditions: list[str] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        return check_zone(value)

    @field_validator("medicines", "conditions")
    @classmethod
    def _clean_list(cls, values: list[str]) -> list[str]:
        cleaned: list[str] = []
        for raw in values:
            item = " ".join(raw.split())
            if item and item not in cleaned:
                cleaned.append(item)
        return cleaned
