"""Expand a routine into a timeline of steps and cues. Pure: no clock, no I/O.

A step is one set on one leg (or a rest, or one repeat of a hold). Its cues sit at offsets
from the start of the step, measured in routine seconds (the player may compress time).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

from crampcoach.protocol.models import (
    BOTH_ORDER,
    LEG_CHOICES,
    ConfirmSet,
    Exercise,
    ExerciseSet,
    HoldSet,
    Leg,
    LegChoice,
    LettersSet,
    RepsSet,
    Routine,
)

StepKind = Literal["reps", "letters", "hold", "rest", "confirm"]
Unit = Literal["reps", "letters", "seconds", "confirm"]
CueKind = Literal["start", "rep", "phase", "letter", "breath", "countdown", "info"]

DEFAULT_TEMPO_S = 3.0


@dataclass(frozen=True)
class Cue:
    """Something to show (and maybe say) ``at_s`` seconds after its step starts."""

    at_s: float
    kind: CueKind
    text: str
    say: str | None = None
    count: int | None = None  # the rep or letter this cue begins (1-based)


@dataclass(frozen=True)
class Step:
    index: int
    exercise_id: str
    exercise_title: str
    label: str
    kind: StepKind
    unit: Unit
    leg: Leg | None
    planned: float  # reps, letters, seconds, or 1 for a confirmation
    unit_s: float  # seconds one rep or letter takes; 1 for timed steps
    duration_s: float
    instruction: str
    cues: tuple[Cue, ...]
    direction: str | None = None
    letters: str | None = None
    sources: tuple[str, ...] = ()

    def completed(self, elapsed_s: float) -> float:
        """What has been done after ``elapsed_s`` active seconds in this step."""
        elapsed = min(max(elapsed_s, 0.0), self.duration_s)
        if self.unit in ("reps", "letters"):
            # A rep counts once its whole time has passed; the epsilon absorbs float error.
            return float(min(self.planned, math.floor(elapsed / self.unit_s + 1e-9)))
        if self.unit == "confirm":
            return 1.0 if elapsed >= self.duration_s else 0.0
        return round(elapsed, 3)

    @property
    def is_exercise(self) -> bool:
        return self.kind != "rest"


@dataclass(frozen=True)
class Timeline:
    routine_name: str
    routine_version: int
    routine_title: str
    mode: str
    leg: LegChoice
    tempo_s: float
    steps: tuple[Step, ...]
    starts: tuple[float, ...] = field(init=False)

    def __post_init__(self) -> None:
        offsets, total = [], 0.0
        for step in self.steps:
            offsets.append(total)
            total += step.duration_s
        object.__setattr__(self, "starts", tuple(offsets))

    @property
    def total_s(self) -> float:
        return math.fsum(step.duration_s for step in self.steps)

    def cue_times(self) -> list[tuple[float, Step, Cue]]:
        """Every cue with its time from the start of an uninterrupted session."""
        return [
            (start + cue.at_s, step, cue)
            for start, step in zip(self.starts, self.steps, strict=True)
            for cue in step.cues
        ]


def _spoken_number(n: int) -> str:
    return str(n)


def _format(template: str, *, n: int, total: int, leg: Leg | None) -> str:
    return template.format(n=n, total=total, leg=leg or "")


def _instruction(exercise: Exercise, leg: Leg | None) -> str:
    return " ".join(line.replace("{leg}", leg or "") for line in exercise.instructions)


class _Builder:
    def __init__(self, routine: Routine, leg: LegChoice, tempo_s: float) -> None:
        self.routine = routine
        self.leg = leg
        self.tempo_s = tempo_s
        self.steps: list[Step] = []

    def add(self, **fields: object) -> None:
        self.steps.append(Step(index=len(self.steps), **fields))  # type: ignore[arg-type]

    def rest(self, seconds: float, exercise: Exercise, label: str, coming: str) -> None:
        if seconds <= 0:
            return
        cues = [Cue(0.0, "start", f"Rest. Next: {coming}", say=f"Rest. Next, {coming}.")]
        cues += _countdown(seconds)
        self.add(
            exercise_id=exercise.id,
            exercise_title=exercise.title,
            label=label,
            kind="rest",
            unit="seconds",
            leg=None,
            planned=seconds,
            unit_s=1.0,
            duration_s=seconds,
            instruction=f"Rest. Next: {coming}.",
            cues=tuple(cues),
        )

    def exercise_set(self, exercise: Exercise, item: ExerciseSet, leg: Leg | None) -> None:
        common = {
            "exercise_id": exercise.id,
            "exercise_title": exercise.title,
            "leg": leg,
            "instruction": _instruction(exercise, leg),
            "sources": exercise.sources,
        }
        side = f" ({leg} leg)" if leg else ""
        if isinstance(item, RepsSet):
            unit_s = item.tempo_s or self.tempo_s * self.routine.tempo_scale
            self.add(
                label=item.label,
                kind="reps",
                unit="reps",
                planned=float(item.reps),
                unit_s=unit_s,
                duration_s=unit_s * item.reps,
                cues=_rep_cues(item, unit_s, f"{exercise.title}: {item.label}{side}", leg),
                direction=item.direction,
                **common,
            )
        elif isinstance(item, LettersSet):
            per = item.seconds_per_letter
            self.add(
                label=item.label,
                kind="letters",
                unit="letters",
                planned=float(len(item.letters)),
                unit_s=per,
                duration_s=per * len(item.letters),
                cues=_letter_cues(item, f"{exercise.title}: {item.label}{side}"),
                letters=item.letters,
                **common,
            )
        elif isinstance(item, HoldSet):
            for repeat in range(1, item.repeats + 1):
                label = item.label if item.repeats == 1 else f"{item.label} {repeat}/{item.repeats}"
                self.add(
                    label=label,
                    kind="hold",
                    unit="seconds",
                    planned=item.seconds,
                    unit_s=1.0,
                    duration_s=item.seconds,
                    cues=_hold_cues(item, f"{exercise.title}: {label}{side}"),
                    **common,
                )
                if repeat < item.repeats:
                    self.rest(item.rest_s, exercise, "Rest", f"{item.label} {repeat + 1}")
        elif isinstance(item, ConfirmSet):
            self.add(
                label=item.label,
                kind="confirm",
                unit="confirm",
                planned=1.0,
                unit_s=item.auto_after_s,
                duration_s=item.auto_after_s,
                cues=(Cue(0.0, "start", item.prompt, say=item.prompt),),
                **common,
            )


def _countdown(seconds: float) -> list[Cue]:
    """Spoken 3-2-1 at the end of a timed step, when it is long enough to need one."""
    if seconds < 6:
        return []
    return [Cue(seconds - k, "countdown", str(k), say=str(k), count=k) for k in (3, 2, 1)]


def _rep_cues(item: RepsSet, unit_s: float, title: str, leg: Leg | None) -> tuple[Cue, ...]:
    cues = [Cue(0.0, "start", title, say=title.split(":")[-1].strip() + ".")]
    for n in range(1, item.reps + 1):
        start = (n - 1) * unit_s
        text = _format(item.cue, n=n, total=item.reps, leg=leg)
        if item.phases:
            share = unit_s / len(item.phases)
            for p, phase in enumerate(item.phases):
                say = f"{_spoken_number(n)}. {phase}" if p == 0 else phase
                shown = f"{text}: {phase.lower()}" if p == 0 else phase
                cues.append(
                    Cue(start + p * share, "rep" if p == 0 else "phase", shown, say=say, count=n)
                )
        else:
            cues.append(Cue(start, "rep", text, say=_spoken_number(n), count=n))
    return tuple(cues)


def _letter_cues(item: LettersSet, title: str) -> tuple[Cue, ...]:
    cues = [Cue(0.0, "start", title, say="Write the letters with your toes.")]
    for n, letter in enumerate(item.letters, start=1):
        cues.append(
            Cue(
                (n - 1) * item.seconds_per_letter,
                "letter",
                f"Letter {letter} ({n} of {len(item.letters)})",
                say=letter,
                count=n,
            )
        )
    return tuple(cues)


def _hold_cues(item: HoldSet, title: str) -> tuple[Cue, ...]:
    cues = [Cue(0.0, "start", title, say=f"{title.split(':')[-1].strip()}. Hold.")]
    if item.breathing is not None:
        period = item.breathing.inhale_s + item.breathing.exhale_s
        t = 0.0
        # Breathing cues never crowd the final countdown.
        while t + item.breathing.inhale_s < item.seconds - 3:
            cues.append(Cue(t, "breath", "Breathe in", say="Breathe in"))
            cues.append(
                Cue(t + item.breathing.inhale_s, "breath", "Breathe out", say="Breathe out")
            )
            t += period
    cues += _countdown(item.seconds)
    cues.sort(key=lambda cue: cue.at_s)
    return tuple(cues)


def legs_for(exercise_legs: str, leg: LegChoice) -> list[Leg | None]:
    """The legs an exercise works, in order, for the leg chosen: "chosen" exercises work
    that leg (both legs, one after the other, for "both"); "each" works both anyway,
    the chosen leg first; "none" is the whole body."""
    first, second = BOTH_ORDER if leg == "both" else (leg, "left" if leg == "right" else "right")
    if exercise_legs == "none":
        return [None]
    if exercise_legs == "each" or leg == "both":
        return [first, second]
    return [first]


def build_timeline(
    routine: Routine, *, leg: LegChoice, tempo_s: float = DEFAULT_TEMPO_S
) -> Timeline:
    """Expand ``routine`` for ``leg`` (left, right or both) at ``tempo_s`` seconds per
    repetition."""
    if leg not in LEG_CHOICES:
        raise ValueError(f"leg must be left, right or both, not {leg!r}")
    if not (tempo_s > 0 and math.isfinite(tempo_s)):
        raise ValueError(f"tempo must be a positive number of seconds, not {tempo_s!r}")
    builder = _Builder(routine, leg, tempo_s)
    for position, exercise in enumerate(routine.exercises):
        if position > 0:
            builder.rest(routine.rest_between_s, exercise, "Rest", exercise.title)
        legs = legs_for(exercise.legs, leg)
        for number, which in enumerate(legs):
            if number > 0:
                builder.rest(
                    routine.rest_between_s,
                    exercise,
                    "Switch legs",
                    f"{exercise.title}, {which} leg",
                )
            for item in exercise.sets:
                builder.exercise_set(exercise, item, which)
    return Timeline(
        routine_name=routine.name,
        routine_version=routine.version,
        routine_title=routine.title,
        mode=routine.mode,
        leg=leg,
        tempo_s=tempo_s,
        steps=tuple(builder.steps),
    )
