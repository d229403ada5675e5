"""A routine session as the diary keeps it: the coach's record plus id, zone and night."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, model_validator

from crampcoach.diary.models import Moment, Zone
from crampcoach.diary.night import night_in_zone
from crampcoach.diary.preferences import MAX_TEMPO_S
from crampcoach.session.record import SessionRecord, StepRecord
from crampcoach.session.work_done import PREVENTIVE


@dataclass(frozen=True)
class SavedSession:
    id: str
    zone: str
    night: date
    record: SessionRecord


STEP_NAMES = tuple(f.name for f in fields(StepRecord))  # a step's fields, in a file's order
PREVENTIVE_MODES = PREVENTIVE  # which modes can make a routine night: session/work_done.py

# Bounds of a session in a diary file, so that an import stores nothing the database or a
# page cannot hold: the texts' lengths are the columns' own.
MAX_STEPS = 1000
MAX_AMOUNT = 86_400.0  # repetitions or seconds of one step: at most a day
MAX_VERSION = 1_000_000


class StepFields(BaseModel):
    """One step of a session as a diary file holds it."""

    model_config = ConfigDict(extra="forbid")

    index: StrictInt = Field(ge=0, le=MAX_STEPS)
    exercise_id: str = Field(max_length=100)
    label: str = Field(max_length=200)
    kind: str = Field(max_length=40)
    unit: str = Field(max_length=40)
    leg: str | None = Field(default=None, max_length=8)
    planned: float = Field(ge=0, le=MAX_AMOUNT, allow_inf_nan=False)
    done: float = Field(ge=0, le=MAX_AMOUNT, allow_inf_nan=False)
    status: Literal["done", "partial", "skipped", "not reached"]
    # what the camera saw of the step; absent or null when the camera was off
    camera_done: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    camera_range_deg: float | None = Field(default=None, ge=0, le=360, allow_inf_nan=False)
    camera_seen: float | None = Field(default=None, ge=0, le=1, allow_inf_nan=False)


class SessionFields(BaseModel):
    """A routine session as a diary file holds it (the `night` is derived, so ignored)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=36)
    night: date | None = None
    routine_name: str = Field(min_length=1, max_length=100)
    routine_version: StrictInt = Field(ge=0, le=MAX_VERSION)
    routine_title: str = Field(max_length=200)
    mode: str = Field(max_length=40)
    leg: str = Field(max_length=8)
    tempo_s: float = Field(gt=0, le=MAX_TEMPO_S, allow_inf_nan=False)
    started_at: Moment
    ended_at: Moment
    zone: Zone
    completed: StrictBool | None = None  # kept in files; worked out again from the steps
    steps: list[StepFields] = Field(default_factory=list, max_length=MAX_STEPS)

    @model_validator(mode="after")
    def _ends_after_start(self) -> SessionFields:
        if self.ended_at < self.started_at:
            raise ValueError("ended_at is before started_at")
        return self

    def to_saved(self) -> SavedSession:
        tz = ZoneInfo(self.zone)
        record = SessionRecord(
            routine_name=self.routine_name,
            routine_version=self.routine_version,
            routine_title=self.routine_title,
            mode=self.mode,
            leg=self.leg,
            tempo_s=self.tempo_s,
            started_at=self.started_at.astimezone(tz),
            ended_at=self.ended_at.astimezone(tz),
            steps=tuple(StepRecord(**step.model_dump()) for step in self.steps),
        )
        night = night_in_zone(self.started_at, self.zone)
        return SavedSession(id=self.id, zone=self.zone, night=night, record=record)


def session_fields(saved: SavedSession) -> dict[str, Any]:
    """A saved session as JSON-ready fields, in a fixed order."""
    record = saved.record
    tz = ZoneInfo(saved.zone)
    return {
        "id": saved.id,
        "night": saved.night.isoformat(),
        "routine_name": record.routine_name,
        "routine_version": record.routine_version,
        "routine_title": record.routine_title,
        "mode": record.mode,
        "leg": record.leg,
        "tempo_s": record.tempo_s,
        "started_at": record.started_at.astimezone(tz).isoformat(),
        "ended_at": record.ended_at.astimezone(tz).isoformat(),
        "zone": saved.zone,
        "completed": record.completed,
        "steps": [{name: getattr(step, name) for name in STEP_NAMES} for step in record.steps],
    }
