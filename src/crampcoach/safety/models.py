"""Red-flag rules as data: the pydantic models `red_flags.yaml` is validated against.

A question has an id, its words, a kind of answer (``yes-no``, or ``choice`` among named
options) and, for the answers that matter, a flag: an advice level, a short reason and the
sources that say so. Every source is cited in the file with a URL. The levels are fixed
here, most urgent first; the file gives each level its words.
"""

from __future__ import annotations

import re
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Level = Literal["urgent-today", "see-doctor-soon", "next-appointment"]
LEVELS: tuple[Level, ...] = get_args(Level)  # most urgent first
Kind = Literal["yes-no", "choice"]
YES_NO: tuple[str, ...] = ("yes", "no")
ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"


def rank(level: Level) -> int:
    """0 for the most urgent level; a smaller rank is more urgent."""
    return LEVELS.index(level)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    citation: str = Field(min_length=5, description="Full reference a reader can look up.")
    url: str = Field(pattern=r"^https://\S+$")


class LevelText(_Strict):
    """What a level is called and what the person should do."""

    label: str = Field(min_length=3)
    action: str = Field(min_length=10)


class Flag(_Strict):
    """What one answer to one question means: how urgent, why, and who says so."""

    level: Level
    reason: str = Field(min_length=10)
    sources: tuple[str, ...] = Field(min_length=1)


def _yes_no_key(key: Any) -> Any:
    """YAML 1.1 reads an unquoted yes/no as a boolean; take it back to the word."""
    if isinstance(key, bool):
        return "yes" if key else "no"
    return key


class Question(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    text: str = Field(min_length=5, description="The question in plain words.")
    kind: Kind
    options: dict[str, str] = Field(
        default_factory=dict, description="choice only: option id -> the words shown."
    )
    details: tuple[str, ...] = Field(default=(), description="Examples shown with the question.")
    flags: dict[str, Flag] = Field(min_length=1, description="answer -> what it means.")

    @field_validator("flags", "options", mode="before")
    @classmethod
    def _words_not_booleans(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {_yes_no_key(key): item for key, item in value.items()}
        return value

    @model_validator(mode="after")
    def _answers_fit_the_kind(self) -> Question:
        if self.kind == "yes-no" and self.options:
            raise ValueError("a yes-no question has no options")
        if self.kind == "choice":
            if len(self.options) < 2:
                raise ValueError("a choice question needs at least 2 options")
            bad = [key for key in self.options if not _is_id(key)]
            if bad:
                raise ValueError(f"option {bad[0]!r} is not a valid id (a-z, 0-9, -)")
        unknown = [answer for answer in self.flags if answer not in self.answers]
        if unknown:
            raise ValueError(
                f"flag for answer {unknown[0]!r}, which is not one of: {', '.join(self.answers)}"
            )
        return self

    @property
    def answers(self) -> tuple[str, ...]:
        """The answers this question accepts, as stored."""
        return YES_NO if self.kind == "yes-no" else tuple(self.options)


def _is_id(text: str) -> bool:
    return re.fullmatch(ID_PATTERN, text) is not None


class OfferThresholds(_Strict):
    """When a cramp entry should prompt the offer to run the screening."""

    min_severity: int = Field(ge=0, le=10, description="Offer when severity >= this.")
    longer_than_s: int = Field(ge=0, description="Offer when duration_s > this.")


class ScreeningRules(_Strict):
    schema_version: Literal[1] = Field(default=1, alias="schema")
    version: int = Field(ge=1, description="Raise it whenever a rule changes.")
    notice: str = Field(min_length=10, description="Shown with every screening.")
    long_cramp: str = Field(
        min_length=10, description="Shown when a cramp has lasted longer than 10 minutes."
    )
    levels: dict[Level, LevelText]
    no_flags: LevelText = Field(description="Shown when no answer is a warning sign.")
    offer: OfferThresholds
    sources: dict[str, Source] = Field(min_length=1)
    questions: tuple[Question, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> ScreeningRules:
        missing = [level for level in LEVELS if level not in self.levels]
        if missing:
            raise ValueError(f"levels: {missing[0]!r} has no words")
        seen: set[str] = set()
        for question in self.questions:
            if question.id in seen:
                raise ValueError(f"question id {question.id!r} appears twice")
            seen.add(question.id)
            for answer, flag in question.flags.items():
                unknown = [name for name in flag.sources if name not in self.sources]
                if unknown:
                    raise ValueError(
                        f"question {question.id!r}, answer {answer!r}: unknown source "
                        f"{unknown[0]!r}; cite it under sources"
                    )
        return self

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)
