"""Routines as data: the pydantic models a routine YAML file is validated against.

A routine is a list of exercises; an exercise is a list of sets. A set is one of:
``reps`` (paced repetitions, e.g. ankle circles, toe points), ``letters`` (one prompt per
letter, e.g. toe writing), ``hold`` (a timed hold with optional breathing cues and
repeats), or ``confirm`` (wait until the person says they are ready, e.g. until a
cramp eases). Every exercise names its sources; every source is cited in the file.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Leg = Literal["left", "right"]  # the leg one step works
LegChoice = Literal["left", "right", "both"]  # what a person chooses for a session
LEG_CHOICES: tuple[LegChoice, ...] = ("left", "right", "both")
BOTH_ORDER: tuple[Leg, Leg] = ("right", "left")  # "both": right first, then left
Mode = Literal["bedtime", "cramp-now", "stretch", "custom"]
NAME_PATTERN = r"^[a-z0-9][a-z0-9-]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    citation: str = Field(min_length=5, description="Full reference a reader can look up.")
    url: str | None = None


class Breathing(_Strict):
    inhale_s: float = Field(gt=0, le=20)
    exhale_s: float = Field(gt=0, le=20)


class RepsSet(_Strict):
    """Paced repetitions. Each rep lasts ``tempo_s`` (or the session tempo) and may be split
    into equal phases, each with its own cue (e.g. "point down", "pull up")."""

    type: Literal["reps"]
    label: str = Field(min_length=1)
    reps: int = Field(ge=1, le=500)
    tempo_s: float | None = Field(default=None, gt=0, le=60)
    direction: Literal["clockwise", "counterclockwise"] | None = None
    phases: tuple[str, ...] = ()
    cue: str = Field(default="{n} of {total}", description="Shown at the start of each rep.")


class LettersSet(_Strict):
    """One prompt per letter, e.g. writing the alphabet in the air with the toes."""

    type: Literal["letters"]
    label: str = Field(min_length=1)
    letters: str = Field(min_length=1, max_length=200)
    seconds_per_letter: float = Field(default=4.0, gt=0, le=60)

    @field_validator("letters")
    @classmethod
    def _expand_range(cls, value: str) -> str:
        """Accept "A-Z" as a range; otherwise the letters as written (spaces ignored)."""
        match = re.fullmatch(r"\s*([A-Za-z])\s*-\s*([A-Za-z])\s*", value)
        if match:
            first, last = match.group(1).upper(), match.group(2).upper()
            if first > last:
                raise ValueError(f"letter range {value!r} runs backwards")
            return "".join(chr(c) for c in range(ord(first), ord(last) + 1))
        letters = "".join(value.split()).upper()
        if not letters.isalpha():
            raise ValueError("letters must be letters, or a range such as A-Z")
        return letters


class HoldSet(_Strict):
    """A timed hold, repeated ``repeats`` times with ``rest_s`` between repeats."""

    type: Literal["hold"]
    label: str = Field(min_length=1)
    seconds: float = Field(gt=0, le=600)
    min_seconds: float | None = Field(default=None, gt=0)
    max_seconds: float | None = Field(default=None, gt=0)
    repeats: int = Field(default=1, ge=1, le=20)
    rest_s: float = Field(default=0, ge=0, le=600)
    breathing: Breathing | None = None

    @model_validator(mode="after")
    def _within_range(self) -> HoldSet:
        low = self.min_seconds if self.min_seconds is not None else self.seconds
        high = self.max_seconds if self.max_seconds is not None else self.seconds
        if not low <= self.seconds <= high:
            raise ValueError(
                f"seconds ({self.seconds:g}) must lie between min_seconds ({low:g}) "
                f"and max_seconds ({high:g})"
            )
        return self


class ConfirmSet(_Strict):
    """Wait for the person to confirm (e.g. "the cramp has eased"); without a keyboard the
    session moves on after ``auto_after_s``."""

    type: Literal["confirm"]
    label: str = Field(min_length=1)
    prompt: str = Field(min_length=1)
    auto_after_s: float = Field(default=30, gt=0, le=600)


ExerciseSet = Annotated[RepsSet | LettersSet | HoldSet | ConfirmSet, Field(discriminator="type")]


class Exercise(_Strict):
    id: str = Field(pattern=NAME_PATTERN)
    title: str = Field(min_length=1)
    legs: Literal["chosen", "each", "none"] = Field(
        description="chosen: the session's leg; each: left then right; none: whole body.",
    )
    instructions: tuple[str, ...] = Field(min_length=1)
    safety: tuple[str, ...] = ()
    sources: tuple[str, ...] = Field(min_length=1)
    sets: tuple[ExerciseSet, ...] = Field(min_length=1)


class Routine(_Strict):
    schema_version: Literal[1] = Field(default=1, alias="schema")
    name: str = Field(pattern=NAME_PATTERN)
    title: str = Field(min_length=1)
    version: int = Field(ge=1)
    mode: Mode = "custom"
    summary: str = Field(min_length=1)
    tempo_scale: float = Field(
        default=1.0, gt=0, le=5, description="Multiplies the session tempo (cramp-now is slower)."
    )
    rest_between_s: float = Field(default=10, ge=0, le=600)
    sources: dict[str, Source] = Field(min_length=1)
    exercises: tuple[Exercise, ...] = Field(min_length=1)
    notes: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _sources_are_cited(self) -> Routine:
        for index, exercise in enumerate(self.exercises):
            for source in exercise.sources:
                if source not in self.sources:
                    known = ", ".join(sorted(self.sources))
                    raise ValueError(
                        f"exercises[{index}] ({exercise.id}) cites source {source!r}, "
                        f"which is not in the routine's sources ({known})"
                    )
        ids = [exercise.id for exercise in self.exercises]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"exercise ids must be unique; repeated: {', '.join(duplicates)}")
        return self
