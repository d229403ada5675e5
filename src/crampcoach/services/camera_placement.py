"""Is the camera placed right for the exercise about to start? Read from the landmarks.

Before an exercise (on the intro screen, in the rest before it) the camera's frames are
checked against what that exercise's analyser needs: the person seen at all, the feet
(or for child's pose the whole side of the body) seen, and the view the analyser wants
(front for circles and toe writing, side for toe points and child's pose), judged over
the last frames by the analysers' own `ViewCheck`.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from crampcoach.motion.feedback import HINT_NO_FEET, HINT_NO_PERSON
from crampcoach.motion.landmarks import SIDES, leg
from crampcoach.motion.points import MIN_VISIBILITY
from crampcoach.motion.registry import make_analyser
from crampcoach.motion.track import Frame
from crampcoach.motion.view import ADVICE as VIEW_ADVICE
from crampcoach.motion.view import HINTS, View, ViewCheck, view_of

RECENT = 15  # frames a placement is judged over
HINT_NO_BODY = "I can't see all of you: shoulders, hips, knees and feet"
TITLES = {
    "ankle-circles": "ankle circles",
    "toe-points": "toe points",
    "toe-writing": "toe writing",
    "childs-pose": "child's pose",
}


@dataclass(frozen=True)
class Placement:
    exercise: str
    wanted: View
    seen: View | None  # the view most of the recent frames show, None when unknown
    ok: bool
    advice: str  # where the camera should be, in words
    hint: str | None  # what is wrong now, or None


def _needed(exercise: str) -> tuple[tuple[int, ...], ...]:
    """Landmark sets of which at least one must be seen well (either side of the body)."""
    sets = []
    for side in SIDES:
        _hip, knee, ankle, heel, toe, shoulder = leg(side)
        if exercise == "childs-pose":
            sets.append((shoulder, _hip, knee, ankle))
        else:
            sets.append((knee, ankle, heel, toe))
    return tuple(sets)


class PlacementCheck:
    """Feed the frames before an exercise; each answer says whether the camera is right."""

    def __init__(self, exercise: str) -> None:
        self.exercise = exercise
        self.wanted: View = make_analyser(exercise).view
        self.views = ViewCheck(self.wanted)
        self._seen: deque[View] = deque(maxlen=RECENT)
        self._visible: deque[bool] = deque(maxlen=RECENT)
        self._needed = _needed(exercise)
        self.advice = VIEW_ADVICE[self.wanted]

    def update(self, frame: Frame) -> Placement:
        self.views.update(frame)
        view = view_of(frame)
        if view is not None:
            self._seen.append(view)
        visible = frame.image is not None and any(
            bool((frame.image[list(points), 3] >= MIN_VISIBILITY).all()) for points in self._needed
        )
        self._visible.append(visible)
        seen = self._majority()
        hint = self._hint(frame, visible, seen)
        return Placement(
            exercise=self.exercise,
            wanted=self.wanted,
            seen=seen,
            ok=hint is None and seen == self.wanted,
            advice=self.advice,
            hint=hint,
        )

    def _majority(self) -> View | None:
        if not self._seen:
            return None
        side = sum(v == "side" for v in self._seen)
        return "side" if side * 2 > len(self._seen) else "front"

    def _hint(self, frame: Frame, visible: bool, seen: View | None) -> str | None:
        if frame.image is None:
            return HINT_NO_PERSON
        if sum(self._visible) * 2 < len(self._visible):
            return HINT_NO_BODY if self.exercise == "childs-pose" else HINT_NO_FEET
        if self.views.hint() is not None or (seen is not None and seen != self.wanted):
            return HINTS[self.wanted]
        return None

    @property
    def title(self) -> str:
        return TITLES.get(self.exercise, self.exercise.replace("-", " "))
