"""Work done, not buttons pressed: the one rule for whether a session did the routine.

A session records per step what was planned and what was done. It counts as the routine
done (a "routine night" for the streak, adherence, Insights and the trial) only when the
work done reaches ROUTINE_SHARE of the work planned, for each kind of work the routine
plans: repetitions, letters and seconds held. Pressing Next through every step does
nothing; skipping one of four exercises still can, if the rest was done.

Why 80%: the seed article asks for "at least 10" circles each way and a 30 to 60 s hold;
doing 8 of 10 circles, or holding 36 of 45 s, is still doing the exercise, while doing
half of it is not. The share is over the whole routine, so one short step does not undo
a night. A step the camera watched counts what the camera saw (the timer counts time, the
camera counts movement), capped at what was planned, so extra circles do not make up for
a skipped hold.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

ROUTINE_SHARE = 0.8
# Modes of routine done to prevent cramps. A "cramp-now" session is done because a cramp
# came: counting it would make routine nights look worse by construction, so it never
# makes a routine night, however much of it was done.
PREVENTIVE: frozenset[str] = frozenset({"bedtime", "stretch", "custom"})
WORK_UNITS = ("reps", "letters", "seconds")  # a confirmation ("it has eased") is no work
UNIT_WORDS = {"reps": "repetitions", "letters": "letters", "seconds": "seconds held"}


class StepWork(Protocol):
    kind: str
    unit: str
    planned: float
    done: float
    camera_done: float | None


def step_done(step: StepWork) -> float:
    """What a step did, in its own unit: the camera's figure when it watched, else the
    timer's; never more than planned."""
    done = step.camera_done if step.camera_done is not None else step.done
    return max(0.0, min(float(done), float(step.planned)))


@dataclass(frozen=True)
class WorkDone:
    """Planned and done per unit of work over a session's exercise steps."""

    planned: Mapping[str, float]
    done: Mapping[str, float]

    def share(self, unit: str) -> float:
        planned = self.planned.get(unit, 0.0)
        return self.done.get(unit, 0.0) / planned if planned > 0 else 1.0

    @property
    def reached(self) -> bool:
        """Every kind of work planned was done to at least ROUTINE_SHARE."""
        planned = [unit for unit in WORK_UNITS if self.planned.get(unit, 0.0) > 0]
        return bool(planned) and all(self.share(u) >= ROUTINE_SHARE - 1e-9 for u in planned)

    @property
    def short(self) -> list[str]:
        """The kinds of work below the share, in words: "6 of 20 repetitions"."""
        return [
            f"{self.done.get(unit, 0.0):.0f} of {self.planned[unit]:.0f} {UNIT_WORDS[unit]}"
            for unit in WORK_UNITS
            if self.planned.get(unit, 0.0) > 0 and self.share(unit) < ROUTINE_SHARE - 1e-9
        ]


def work_done(steps: Iterable[StepWork]) -> WorkDone:
    planned: dict[str, float] = {}
    done: dict[str, float] = {}
    for step in steps:
        if step.kind == "rest" or step.unit not in WORK_UNITS:
            continue
        planned[step.unit] = planned.get(step.unit, 0.0) + float(step.planned)
        done[step.unit] = done.get(step.unit, 0.0) + step_done(step)
    return WorkDone(planned, done)


def verdict(work: WorkDone, *, skipped: list[str], minutes: float, preventive: bool) -> str:
    """One honest sentence about a session: done, or what was missing."""
    if not preventive:  # cramp now: no routine night to earn, only what was done
        left_out = f"; skipped: {', '.join(skipped)}" if skipped else ""
        return f"Done in {minutes:.1f} min{left_out}."
    if work.reached and not skipped:
        return f"Routine done in {minutes:.1f} min: all of the planned work."
    if work.reached:
        return (
            f"Routine done in {minutes:.1f} min, counted as a routine night; "
            f"skipped: {', '.join(skipped)}."
        )
    missing = "; ".join(work.short) or "no exercise was done"
    left_out = f" Skipped: {', '.join(skipped)}." if skipped else ""
    return (
        f"Not counted as a routine night: {missing} "
        f"(it needs {ROUTINE_SHARE:.0%} of the planned work).{left_out}"
    )
