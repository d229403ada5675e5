"""What every exercise's analyser shares: what was seen, from which view, the summary;
and, for the foot exercises, which foot."""

from __future__ import annotations

from typing import Any

from crampcoach.motion.feedback import HINT_NO_FEET, VisibilityWatch
from crampcoach.motion.landmarks import SIDES, Side
from crampcoach.motion.track import Frame
from crampcoach.motion.view import View, ViewCheck


class Exercise:
    """Base of the analysers: frames and views are counted for the checks and the result."""

    exercise = ""
    view: View = "front"
    unseen_hint = HINT_NO_FEET  # what to say when the needed landmarks are not seen

    def __init__(self) -> None:
        self.watch = VisibilityWatch(self.unseen_hint)
        self.views = ViewCheck(self.view)
        self.first_t: float | None = None
        self.last_t: float | None = None

    def begin(self, frame: Frame) -> None:
        """Call first in every update."""
        if self.first_t is None:
            self.first_t = frame.t
        self.last_t = frame.t
        self.views.update(frame)

    def hint(self, t: float, usable: bool) -> str | None:
        return self.watch.seen(t, usable) or self.views.hint()

    def who(self) -> dict[str, Any]:
        """Whose movement the result is about (the foot, for the foot exercises)."""
        return {}

    def summary(self, **measures: Any) -> dict[str, Any]:
        """The result: exercise, whose, duration, the measures, then what was seen."""
        return {
            "exercise": self.exercise,
            **self.who(),
            "duration_s": round((self.last_t or 0.0) - (self.first_t or 0.0), 3),
            **measures,
            "frames": self.watch.frames,
            "frames_used": self.watch.usable,
            "view": self.views.summary(),
        }


class FootExercise(Exercise):
    """Base of the foot analysers: the moving foot is the given one, else the one whose
    `activity` is greatest."""

    def __init__(self, *, side: Side | None = None) -> None:
        super().__init__()
        self.fixed_side = side

    def activity(self, side: Side) -> float:
        raise NotImplementedError

    @property
    def side(self) -> Side:
        if self.fixed_side is not None:
            return self.fixed_side
        return max(SIDES, key=self.activity)

    def who(self) -> dict[str, Any]:
        return {"side": self.side}
