"""Every exercise's analyser by name, and the analysis of a whole track.

A whole track is analysed by feeding its frames, in order, to the same streaming
analyser that live coaching uses, so a file and a camera always agree. A track that
cannot be analysed at all (no frames, nobody in it) is refused; one that does not show
the exercise (the feet hardly seen, the wrong view, other movement) gives a result with
`detected: false` and the reason (`crampcoach.motion.detection`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from crampcoach.errors import UserError
from crampcoach.motion.ankle_circles import AnkleCircles
from crampcoach.motion.childs_pose import ChildsPose
from crampcoach.motion.feedback import Analyser, Feedback
from crampcoach.motion.landmarks import Side
from crampcoach.motion.toe_points import ToePoints
from crampcoach.motion.toe_writing import ToeWriting
from crampcoach.motion.track import Frame
from crampcoach.motion.view import ADVICE

ANALYSERS: dict[str, Callable[..., Analyser]] = {
    "ankle-circles": AnkleCircles,
    "toe-points": ToePoints,
    "toe-writing": ToeWriting,
    "childs-pose": ChildsPose,
}
EXERCISES = tuple(ANALYSERS)


class AnalysisError(UserError):
    """The track cannot answer the question asked of it (no person, the wrong view ...)."""


@dataclass(frozen=True)
class Analysis:
    result: dict[str, Any]
    feedback: list[Feedback]  # one per frame, for plots and tests


def make_analyser(
    exercise: str, *, side: Side | None = None, prompts: Sequence[tuple[str, float]] | None = None
) -> Analyser:
    if exercise not in ANALYSERS:
        raise AnalysisError(f"unknown exercise {exercise!r}; choose one of: {', '.join(EXERCISES)}")
    if exercise == "toe-writing":
        return ToeWriting(side=side, prompts=prompts)
    return ANALYSERS[exercise](side=side)


def analyse(
    frames: Iterable[Frame],
    exercise: str,
    *,
    side: Side | None = None,
    prompts: Sequence[tuple[str, float]] | None = None,
    origin: str = "the track",
) -> Analysis:
    """Run the exercise's analyser over every frame; refuse tracks that cannot answer."""
    analyser = make_analyser(exercise, side=side, prompts=prompts)
    feedback = [analyser.update(frame) for frame in frames]
    result = analyser.result()
    _check(result, analyser, origin)
    return Analysis(result=result, feedback=feedback)


def _check(result: dict[str, Any], analyser: Analyser, origin: str) -> None:
    if result.get("frames", 0) == 0:
        raise AnalysisError(f"{origin}: no frames to analyse")
    if sum(result["view"].values()) == 0 and result.get("frames_used", 0) == 0:
        raise AnalysisError(f"{origin}: no person found; {ADVICE[analyser.view]}")
