"""What every foot exercise's analyser shares: which foot, what was seen, the summary."""

from __future__ import annotations

from typing import Any

from crampcoach.motion.feedback import HINT_NO_FEET, VisibilityWatch
from crampcoach.motion.landmarks import SIDES, Side
from crampcoach.motion.track import Frame
from crampcoach.motion.view import View, ViewCheck


class FootExercise:
    """Base of the foot analysers: the moving foot is the given one, else the one whose
    `activity` is greatest; frames and views are counted for the checks and the result."""

    exercise = ""
    view: View = "front"

    def __init__(self, *, side: Side | None = None) -> None:
        self.fixed_side = side
        self.watch = VisibilityWatch(HINT_NO_FEET)
        self.views = ViewCheck(self.view)
        self.first_t: float | None = None
        self.last_t = 0.0

    def activity(self, side: Side) -> float:
        raise NotImplementedError

    @property
    def side(self) -> Side:
        if self.fixed_side is not None:
            return self.fixed_side
        return max(SIDES, key=self.activity)

    def begin(self, frame: Frame) -> None:
        """Call first in every update."""
        if self.first_t is None:
            self.first_t = frame.t
        self.last_t = frame.t
        self.views.update(frame)

    def hint(self, t: float, usable: bool) -> str | None:
        return self.watch.seen(t, usable) or self.views.hint()

    def summary(self, **measures: Any) -> dict[str, Any]:
        """The result: exercise, side, duration, the measures, then what was seen."""
        return {
            "exercise": self.exercise,
            "side": self.side,
            "duration_s": round(self.last_t - (self.first_t or 0.0), 3),
            **measures,
            "frames": self.watch.frames,
            "frames_used": self.watch.usable,
            "view": self.views.summary(),
        }
