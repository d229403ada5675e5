"""Live camera coaching of a guided session: frames in, what to show and say out.

Pure (no server, no camera): the connection feeds `Frame`s, in time order, and says when
the player enters a step. A step the camera can check (ankle circles, toe points, toe
writing, child's pose) gets a fresh streaming analyser from `motion.registry`, the same
one `crampcoach analyze` runs over a whole file, so a camera and a file count alike.
Before such a step (the intro, the rest before it) the frames check the camera's
placement instead. When a step is left, its analyser's result becomes the step's camera
figures, kept by step index for the session record.

What one session keeps is bounded: one analyser at a time, and each is fed at most
`max_step_frames` frames (ten minutes at 30 frames a second, twice the longest camera
step at the slowest tempo); after that the step's count stands and the frames are only
shown. An analyser keeps its step's whole path to settle the count, so without this a
camera left on in one step would grow without end.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from crampcoach.motion.feedback import Analyser, Feedback
from crampcoach.motion.registry import ANALYSERS, make_analyser
from crampcoach.motion.track import Frame
from crampcoach.services.camera_placement import Placement, PlacementCheck
from crampcoach.session.record import CameraFigures
from crampcoach.session.timeline import Step

CHECKED_KINDS = ("reps", "letters", "hold")
TURNING_RAD_S = 2.5  # the toe turning this fast shows a direction (0.4 turns a second)
WRONG_WAY_S = 1.0  # turning the wrong way this long brings the hint
MAX_STEP_FRAMES = 18_000  # frames one step's analyser is fed: 10 minutes at 30 a second
LONG_STEP_HINT = "this step went on so long that the camera stopped counting it"


def camera_exercise(step: Step) -> str | None:
    """The analyser that can check this step, or None (rests, stretches, confirmations)."""
    if step.kind in CHECKED_KINDS and step.exercise_id in ANALYSERS:
        return step.exercise_id
    return None


@dataclass(frozen=True)
class LiveFeedback:
    """What the page shows after one frame."""

    t: float
    step: int  # -1 before the session starts
    exercise: str | None  # the analyser running, None when the step is not checked
    landmarks: np.ndarray | None  # (33, 4) image x, y, z, visibility; None: nobody seen
    count: float | None = None  # the camera's count for the step, in the step's unit
    planned: float | None = None
    direction: str | None = None  # ankle circles: the way the toes are turning now
    angle_deg: float | None = None  # toe points: plantarflexion now (+ pointed)
    best: dict[str, float] = field(default_factory=dict)  # toe points: the best range so far
    hold_s: float | None = None  # child's pose: seconds held so far
    holding: bool | None = None
    hint: str | None = None
    events: tuple[str, ...] = ()
    placement: Placement | None = None  # before a checked step: is the camera right for it


@dataclass(frozen=True)
class StepOutcome:
    """A finished step: its figures for the record and the analyser's whole result."""

    index: int
    figures: CameraFigures
    result: dict[str, Any]


class _Direction:
    """The circling direction, shown once the turning is clear; the wrong way, hinted."""

    def __init__(self, wanted: str | None) -> None:
        self.wanted = wanted
        self.now: str | None = None
        self.wrong_since: float | None = None

    def update(self, t: float, turning: float | None) -> str | None:
        if turning is not None and abs(turning) >= TURNING_RAD_S:
            self.now = "clockwise" if turning > 0 else "counterclockwise"
        elif turning is None or abs(turning) < TURNING_RAD_S / 2:
            self.now = None
        wrong = self.wanted is not None and self.now is not None and self.now != self.wanted
        if not wrong:
            self.wrong_since = None
            return None
        if self.wrong_since is None:
            self.wrong_since = t
        if t - self.wrong_since >= WRONG_WAY_S:
            return f"you're going {self.now}: this set is {self.wanted}"
        return None


class LiveCoach:
    """The live state of one camera session over the steps of one timeline."""

    def __init__(self, steps: Sequence[Step], *, max_step_frames: int = MAX_STEP_FRAMES) -> None:
        self.steps = tuple(steps)
        self.index = -1
        self.max_step_frames = max_step_frames
        self.fed = 0  # frames the current step's analyser was fed
        self._last: LiveFeedback | None = None  # what it showed last
        self.analyser: Analyser | None = None
        self.placement: PlacementCheck | None = None
        self.direction = _Direction(None)
        self.figures: dict[int, CameraFigures] = {}
        self._enter_checks(-1)

    @property
    def step(self) -> Step | None:
        return self.steps[self.index] if 0 <= self.index < len(self.steps) else None

    def enter(self, index: int) -> StepOutcome | None:
        """The player is now at step `index` (-1: not started). Returns the outcome of the
        step left, when the camera checked it."""
        if not -1 <= index < len(self.steps):
            raise ValueError(f"step {index} is not in this session (0 to {len(self.steps) - 1})")
        outcome = self.finish()
        self.index = index
        self._enter_checks(index)
        return outcome

    def _enter_checks(self, index: int) -> None:
        step = self.step
        exercise = camera_exercise(step) if step is not None else None
        # The foot the step is for is the one counted (the other foot turning brings a hint).
        leg = step.leg if step is not None else None
        self.analyser = None if exercise is None else make_analyser(exercise, side=leg)
        self.fed, self._last = 0, None
        self.direction = _Direction(step.direction if step is not None else None)
        upcoming = None if exercise is not None else self._upcoming(index)
        if upcoming is None:
            self.placement = None
        elif self.placement is None or self.placement.exercise != upcoming:
            self.placement = PlacementCheck(upcoming)

    def _upcoming(self, index: int) -> str | None:
        for step in self.steps[index + 1 :]:
            exercise = camera_exercise(step)
            if exercise is not None:
                return exercise
        return None

    def observe(self, frame: Frame) -> LiveFeedback:
        """One frame (times must not go backwards within a step)."""
        if self.analyser is None:
            placement = self.placement.update(frame) if self.placement is not None else None
            return LiveFeedback(
                t=frame.t,
                step=self.index,
                exercise=None,
                landmarks=frame.image,
                hint=None if placement is None else placement.hint,
                placement=placement,
            )
        if self.fed >= self.max_step_frames and self._last is not None:
            return replace(
                self._last, t=frame.t, landmarks=frame.image, events=(), hint=LONG_STEP_HINT
            )
        step = self.step
        assert step is not None
        seen = self.analyser.update(frame)
        self.fed += 1
        self._last = self._feedback(frame, step, seen)
        return self._last

    def _feedback(self, frame: Frame, step: Step, seen: Feedback) -> LiveFeedback:
        exercise = step.exercise_id
        common: dict[str, Any] = {
            "t": frame.t,
            "step": self.index,
            "exercise": exercise,
            "landmarks": frame.image,
            "planned": step.planned,
            "events": seen.events,
            "hint": seen.hint,
        }
        if exercise == "ankle-circles":
            common["hint"] = self.direction.update(frame.t, seen.value) or seen.hint
            counts = seen.counts
            count = counts.get(step.direction, 0) if step.direction else sum(counts.values())
            return LiveFeedback(**common, count=float(count), direction=self.direction.now)
        if exercise == "toe-points":
            best = {k: float(seen.counts[k]) for k in ("plantarflexion", "dorsiflexion")}
            return LiveFeedback(
                **common, count=float(seen.counts["reps"]), angle_deg=seen.value, best=best
            )
        if exercise == "toe-writing":
            return LiveFeedback(**common, count=float(seen.counts["letters"]))
        hold = float(seen.counts["hold_s"])
        return LiveFeedback(**common, count=hold, hold_s=hold, holding=seen.value == 1.0)

    def finish(self) -> StepOutcome | None:
        """End the current step's analysis: its figures, or None when the step is not
        checked or no frame reached it."""
        analyser, step = self.analyser, self.step
        self.analyser = None
        if analyser is None or step is None:
            return None
        result = analyser.result()
        if not result.get("frames"):
            return None
        figures = figures_of(step, result)
        self.figures[step.index] = figures
        return StepOutcome(step.index, figures, result)


def figures_of(step: Step, result: dict[str, Any]) -> CameraFigures:
    """A step's camera figures from its analyser's result (nothing done when the camera
    did not see the exercise)."""
    exercise = step.exercise_id
    range_deg = None
    if not result.get("detected", True):
        done = 0
    elif exercise == "ankle-circles":
        circles = result["circles"]
        done = circles.get(step.direction, 0) if step.direction else sum(circles.values())
    elif exercise == "toe-points":
        done = result["reps"]
        motion = result["range_of_motion_deg"]
        range_deg = round(float(motion["plantarflexion"]) + float(motion["dorsiflexion"]), 1)
    elif exercise == "toe-writing":
        done = result["letters_moved"]
    else:
        done = result["hold_s"]
    frames = int(result.get("frames", 0))
    seen = round(int(result.get("frames_used", 0)) / frames, 3) if frames else 0.0
    return CameraFigures(exercise_id=exercise, done=float(done), range_deg=range_deg, seen=seen)
