"""What a session did: each step planned against done. Plain data, stored by the diary."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

StepStatus = Literal["done", "partial", "skipped", "not reached"]


@dataclass(frozen=True)
class StepRecord:
    index: int
    exercise_id: str
    label: str
    kind: str
    unit: str
    leg: str | None
    planned: float
    done: float
    status: StepStatus


@dataclass(frozen=True)
class SessionRecord:
    routine_name: str
    routine_version: int
    routine_title: str
    mode: str
    leg: str
    tempo_s: float
    started_at: datetime
    ended_at: datetime
    completed: bool  # every step reached its end (skips aside)
    steps: tuple[StepRecord, ...] = field(default_factory=tuple)

    @property
    def exercise_steps(self) -> tuple[StepRecord, ...]:
        return tuple(step for step in self.steps if step.kind != "rest")

    def totals(self) -> dict[str, tuple[float, float]]:
        """Planned and done per unit over the exercise steps, e.g. {"reps": (20.0, 12.0)}."""
        sums: dict[str, tuple[float, float]] = {}
        for step in self.exercise_steps:
            planned, done = sums.get(step.unit, (0.0, 0.0))
            sums[step.unit] = (planned + step.planned, done + step.done)
        return sums
