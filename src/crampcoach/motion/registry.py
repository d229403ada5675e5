"""Every exercise's analyser by name, and the analysis of a whole track.

A whole track is analysed by feeding its frames, in order, to the same streaming
analyser that live coaching uses, so a file and a camera always agree.
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

ANALYSERS: dict[str, Callable[..., Analyser]] = {
    "ankle-circles": AnkleCircles,
    "toe-points": ToePoints,
    "toe-writing": ToeWriting,
    "childs-pose": ChildsPose,
}
EXERCISES = tuple(ANALYSERS)
VIEW_ADVICE = {
    "front": "face the camera, with your whole leg and foot in view",
    "side": "stand or kneel side-on to the camera, with your whole body in view",
}
MIN_USED_SHARE = 0.3  # of the frames with a person: fewer usable means we cannot say


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
    _check(result, exercise, analyser, origin)
    return Analysis(result=result, feedback=feedback)


def _check(result: dict[str, Any], exercise: str, analyser: Analyser, origin: str) -> None:
    name = exercise.replace("-", " ")
    frames = result.get("frames", 0)
    if frames == 0:
        raise AnalysisError(f"{origin}: no frames to analyse")
    wanted = analyser.view
    if sum(result["view"].values()) == 0 and result.get("frames_used", 0) == 0:
        raise AnalysisError(f"{origin}: no person found; {VIEW_ADVICE[wanted]}")
    if analyser.views.mostly_wrong():
        raise AnalysisError(f"{origin}: for {name}, {VIEW_ADVICE[wanted]}")
    if result.get("frames_used", 0) < MIN_USED_SHARE * frames:
        part = "your feet" if exercise != "childs-pose" else "your body"
        raise AnalysisError(
            f"{origin}: {part} could be seen in only {result['frames_used']} of {frames} "
            f"frames; {VIEW_ADVICE[wanted]}"
        )
