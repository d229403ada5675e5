"""What every exercise's analyser shares: what was seen, from which view, whether the
exercise was there at all, the summary; and, for the foot exercises, which foot."""

from __future__ import annotations

from typing import Any

from crampcoach.motion.detection import Detection
from crampcoach.motion.feedback import HINT_NO_FEET, VisibilityWatch
from crampcoach.motion.landmarks import SIDES, Side
from crampcoach.motion.track import Frame
from crampcoach.motion.view import ADVICE, View, ViewCheck

# Seen in fewer of the frames than this, what the exercise did cannot be told: a count from
# the few frames left would be a guess, so the analysis says the body was not visible.
MIN_SEEN_SHARE = 0.3


class Exercise:
    """Base of the analysers: frames and views are counted for the checks and the result."""

    exercise = ""
    view: View = "front"
    unseen_hint = HINT_NO_FEET  # what to say when the needed landmarks are not seen
    unseen_reason = "the feet are not visible"  # ... and why nothing was detected then

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

    def detect(self) -> Detection:
        """Whether the movement was the exercise, from the motion itself (each analyser)."""
        raise NotImplementedError

    def detection(self) -> Detection:
        """Whether the track shows the exercise: the body seen enough, from the exercise's
        view, then the analyser's own judgement of the motion."""
        frames, seen = self.watch.frames, self.watch.usable
        if frames and seen < MIN_SEEN_SHARE * frames:
            return Detection.missing(
                f"{self.unseen_reason}: seen in {seen} of {frames} frames; {ADVICE[self.view]}",
                seen_share=seen / frames,
            )
        if self.views.mostly_wrong():
            other = "side" if self.view == "front" else "front"
            return Detection.missing(
                f"filmed from the {other}: {ADVICE[self.view]}",
                wanted_view_share=self.views.share(),
            )
        return self.detect()

    def summary(self, detection: Detection, **measures: Any) -> dict[str, Any]:
        """The result: exercise, whose, duration, whether the exercise was seen, the
        measures (0 when it was not), then what was seen."""
        return {
            "exercise": self.exercise,
            **self.who(),
            "duration_s": round((self.last_t or 0.0) - (self.first_t or 0.0), 3),
            **detection.as_result(),
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
