"""What the JSON API takes and gives (OpenAPI schema names follow *Public / *Create)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    field_validator,
    model_validator,
)

from crampcoach.diary.bounds import MAX_MINUTES, year_problem
from crampcoach.diary.models import (
    Bedtime,
    Country,
    DurationS,
    HelpedList,
    Leg,
    Lines,
    Moment,
    Notes,
    Place,
    Severity,
    Tags,
    Zone,
)
from crampcoach.protocol.models import LegChoice
from crampcoach.services.live_figures import KEY_PATTERN
from crampcoach.session.record import StepRecord
from crampcoach.session.replay import MAX_COMMANDS


class CuePublic(BaseModel):
    at_s: float
    kind: str
    text: str
    say: str | None
    count: int | None


class StepPublic(BaseModel):
    index: int
    exercise_id: str
    exercise_title: str
    label: str
    kind: str
    unit: str
    leg: Literal["left", "right"] | None
    planned: float
    unit_s: float
    duration_s: float
    instruction: str
    direction: str | None
    letters: str | None
    sources: list[str]
    cues: list[CuePublic]


class TimelinePublic(BaseModel):
    routine_name: str
    routine_version: int
    routine_title: str
    mode: str
    leg: LegChoice
    tempo_s: float
    total_s: float
    steps: list[StepPublic]


class RoutinePublic(BaseModel):
    name: str
    title: str
    mode: str
    version: int
    summary: str
    minutes: float


class CommandIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    at_s: float = Field(ge=0, le=7 * 24 * 3600, allow_inf_nan=False)
    name: Literal["pause", "resume", "next", "back", "confirm", "stop", "end"]


class SessionCreate(BaseModel):
    """What a player posts when a session ends or is abandoned: the timeline it played
    and the commands it logged; the server replays them to count what was done."""

    model_config = ConfigDict(extra="forbid")

    routine: str = Field(min_length=1, max_length=60, pattern=r"^[a-z0-9][a-z0-9-]*$")
    leg: LegChoice
    tempo_s: float = Field(ge=0.5, le=30, allow_inf_nan=False)
    started_at: Moment
    ended_at: Moment
    commands: list[CommandIn] = Field(default_factory=list, max_length=MAX_COMMANDS)
    camera: str | None = Field(
        default=None,
        pattern=KEY_PATTERN,
        description="The key the page gave its live camera connection: the figures the "
        "camera measured are stored beside what was done.",
    )

    @model_validator(mode="after")
    def _in_order(self) -> SessionCreate:
        if self.ended_at < self.started_at:
            raise ValueError("ended_at must not be before started_at")
        return self


class SessionPublic(BaseModel):
    id: str
    routine_name: str
    routine_title: str
    mode: str
    leg: str
    started_at: datetime
    ended_at: datetime
    completed: bool = Field(
        description="The routine was done: at least 80% of the planned work (one rule)."
    )
    verdict: str = Field(description="One sentence: done, or what was missing.")
    steps: list[StepRecord]


# -- the diary and the profile ------------------------------------------------------------
# The fields' types and bounds are the diary core's own (crampcoach.diary.models), so the
# API refuses exactly what the CLI, the forms and the importers refuse.

Minutes = Annotated[StrictFloat, Field(ge=0, le=MAX_MINUTES, allow_inf_nan=False)]
ZoneField = Field(default=None, description="An IANA time zone.")


def _in_calendar(value: datetime | None) -> datetime | None:
    problem = None if value is None else year_problem(value)
    if problem:
        raise ValueError(problem)
    return value


class _EpisodeFields(BaseModel):
    """Checks shared by a new entry and a change; the diary service checks the rest."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("started_at", check_fields=False)
    @classmethod
    def _year(cls, value: datetime | None) -> datetime | None:
        return _in_calendar(value)

    @model_validator(mode="after")
    def _one_duration(self) -> _EpisodeFields:
        if (
            getattr(self, "minutes", None) is not None
            and getattr(self, "duration_s", None) is not None
        ):
            raise ValueError("give minutes or duration_s, not both")
        return self


class EpisodeIn(_EpisodeFields):
    """A cramp to log. `started_at` omitted means now; a time without an offset is read
    in `zone` (default: the profile's zone). Give `minutes` or `duration_s`, or neither
    when the length is not known."""

    started_at: datetime | None = None
    zone: Zone | None = ZoneField
    leg: Leg
    place: Place
    severity: Severity = Field(description="0 (none) to 10 (worst).")
    minutes: Minutes | None = None
    duration_s: DurationS | None = None
    helped: HelpedList = Field(default_factory=list)
    woke: StrictBool = True
    tags: Tags = Field(default_factory=list)
    pain_after: Severity | None = None
    notes: Notes = ""
    allow_duplicate: StrictBool = Field(
        default=False,
        description="Save it even when a cramp of the same leg is logged within 10 minutes "
        "(else 409: it looks like the same cramp logged twice).",
    )


class EpisodePatch(_EpisodeFields):
    """A change to an entry: only the fields given change (null means unchanged)."""

    started_at: datetime | None = None
    zone: Zone | None = ZoneField
    leg: Leg | None = None
    place: Place | None = None
    severity: Severity | None = None
    minutes: Minutes | None = None
    duration_s: DurationS | None = None
    helped: HelpedList | None = None
    woke: StrictBool | None = None
    tags: Tags | None = None
    pain_after: Severity | None = None
    notes: Notes | None = None


class EpisodePublic(BaseModel):
    id: str
    night: date
    started_at: datetime
    zone: str
    duration_s: int | None = Field(description="Seconds; null when not known.")
    minutes: float | None
    leg: str
    place: str
    severity: int
    woke: bool
    helped: list[str]
    tags: list[str]
    pain_after: int | None
    notes: str
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None


class PreferencesPublic(BaseModel):
    """What routines use: each stored preference, else the server's default."""

    leg: LegChoice
    tempo_s: float
    voice: bool


class ProfilePublic(BaseModel):
    saved: bool = Field(description="False until a profile has been saved.")
    timezone: str
    country: str | None = Field(description="ISO 3166 code; null: from the time zone.")
    bedtime: str | None
    medicines: list[str]
    conditions: list[str]
    default_leg: LegChoice | None
    tempo_s: float | None
    voice: bool | None
    effective: PreferencesPublic


class ProfileUpdate(BaseModel):
    """Fields to change; the others keep their values. null clears bedtime or a
    preference (the default then applies)."""

    model_config = ConfigDict(extra="forbid")

    timezone: Zone | None = ZoneField
    country: Country | None = Field(
        default=None, description="ISO 3166 code, e.g. NL; null: from the time zone."
    )
    bedtime: Bedtime | None = Field(default=None, description="HH:MM, 24-hour.")
    medicines: Lines | None = None
    conditions: Lines | None = None
    default_leg: LegChoice | None = None
    tempo_s: StrictFloat | None = Field(default=None, ge=0.5, le=30, allow_inf_nan=False)
    voice: StrictBool | None = None

    @field_validator("timezone")
    @classmethod
    def _zone_given(cls, value: str | None) -> str | None:
        if value is None:
            raise ValueError("cannot be null; give a zone like Europe/Amsterdam")
        return value

    @field_validator("medicines", "conditions")
    @classmethod
    def _list_given(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            raise ValueError("cannot be null; give a list (empty to clear)")
        return value
