"""What a session did: each step planned against done. Plain data, stored by the diary.

A step may also carry what the camera saw of it (live coaching): `camera_done` in the
step's own unit (repetitions, letters, or seconds the pose was really held),
`camera_range_deg` (toe points: the widest point-to-flex range of the ankle) and
`camera_seen` (the share of the step's analysed frames in which the body or feet were
seen). All three are None when the camera was off for that step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal

from crampcoach.session.work_done import PREVENTIVE, WORK_UNITS, WorkDone, verdict, work_done

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
    camera_done: float | None = None
    camera_range_deg: float | None = None
    camera_seen: float | None = None


@dataclass(frozen=True)
class CameraFigures:
    """What the camera measured during one step of a live session."""

    exercise_id: str  # the step's exercise, to check the figures belong to the step
    done: float  # in the step's unit: repetitions, letters, or seconds held
    range_deg: float | None  # toe points only
    seen: float  # 0..1 of the step's analysed frames


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
    steps: tuple[StepRecord, ...] = field(default_factory=tuple)

    @property
    def exercise_steps(self) -> tuple[StepRecord, ...]:
        return tuple(step for step in self.steps if step.kind != "rest")

    @property
    def work(self) -> WorkDone:
        return work_done(self.steps)

    @property
    def completed(self) -> bool:
        """The routine was done: its work reached the share the one rule asks for
        (session/work_done.py), not merely its last step."""
        return self.work.reached

    @property
    def skipped(self) -> list[str]:
        """The exercise steps skipped or never reached, as "Toe writing (right leg)"."""
        return [
            f"{step.label}{f' ({step.leg} leg)' if step.leg else ''}"
            for step in self.exercise_steps
            if step.status in ("skipped", "not reached") and step.unit in WORK_UNITS
        ]

    @property
    def verdict(self) -> str:
        minutes = (self.ended_at - self.started_at).total_seconds() / 60
        return verdict(
            self.work, skipped=self.skipped, minutes=minutes, preventive=self.mode in PREVENTIVE
        )

    def totals(self) -> dict[str, tuple[float, float]]:
        """Planned and done per unit over the exercise steps, e.g. {"reps": (20.0, 12.0)}."""
        sums: dict[str, tuple[float, float]] = {}
        for step in self.exercise_steps:
            planned, done = sums.get(step.unit, (0.0, 0.0))
            sums[step.unit] = (planned + step.planned, done + step.done)
        return sums


def with_camera_figures(
    record: SessionRecord, figures: Mapping[int, CameraFigures]
) -> SessionRecord:
    """The record with the camera's figures set on the steps they belong to (by index and
    exercise); figures for a step the record does not have are left out."""
    steps = []
    for step in record.steps:
        seen = figures.get(step.index)
        if seen is None or seen.exercise_id != step.exercise_id or step.kind == "rest":
            steps.append(step)
            continue
        steps.append(
            replace(
                step,
                camera_done=seen.done,
                camera_range_deg=seen.range_deg,
                camera_seen=seen.seen,
            )
        )
    return replace(record, steps=tuple(steps))
