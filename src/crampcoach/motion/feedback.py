"""What an analyser says after each frame, for live coaching; and its result for a file."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from crampcoach.motion.landmarks import Side
from crampcoach.motion.track import Frame
from crampcoach.motion.view import View, ViewCheck

HINT_NO_FEET = "I can't see your feet"
HINT_NO_PERSON = "I can't see you"


@dataclass(frozen=True)
class Feedback:
    t: float
    side: Side | None
    counts: dict[str, float] = field(default_factory=dict)
    events: tuple[str, ...] = ()  # e.g. "circle:clockwise", "rep", "hold:start"
    value: float | None = None  # the live measure: an angle, a hold time ...
    hint: str | None = None


class Analyser(Protocol):
    exercise: str
    view: View
    views: ViewCheck

    def update(self, frame: Frame) -> Feedback: ...

    def result(self) -> dict[str, Any]: ...


class VisibilityWatch:
    """Turns "no usable landmarks" into a hint once it has lasted a moment."""

    def __init__(self, hint: str, after_s: float = 1.0) -> None:
        self.hint = hint
        self.after_s = after_s
        self._since: float | None = None
        self.frames = 0
        self.usable = 0

    def seen(self, t: float, usable: bool) -> str | None:
        self.frames += 1
        if usable:
            self.usable += 1
            self._since = None
            return None
        if self._since is None:
            self._since = t
        return self.hint if t - self._since >= self.after_s else None
