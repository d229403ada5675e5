"""Use cases of the camera features: analyse a video or a landmark track file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from crampcoach.blas_threads import one_blas_thread
from crampcoach.motion.landmarks import Side
from crampcoach.motion.registry import Analysis, AnalysisError, analyse, make_analyser
from crampcoach.motion.toe_writing import even_prompts
from crampcoach.motion.track import Frame
from crampcoach.motion.view import WrongView


def load_recording(
    path: Path,
    *,
    progress: Callable[[int, int], None] | None = None,
    exercise: str | None = None,
) -> list[Frame]:
    """The frames of a track file, or of a video tracked now (needs the "camera" extra).
    With `exercise`, a video whose first seconds show the wrong view for it is refused
    then (AnalysisError), not after the whole video is tracked."""
    from crampcoach.pose.tracking import load_frames

    view = make_analyser(exercise).view if exercise is not None else None
    try:
        return load_frames(path, progress=progress, view=view)
    except WrongView as exc:
        raise AnalysisError(f"{path}: {exc}; nothing was analysed") from None


def analyse_recording(
    frames: list[Frame],
    exercise: str,
    *,
    side: Side | None = None,
    letter_every_s: float | None = None,
    first_letter_s: float = 0.0,
    origin: str = "the track",
) -> Analysis:
    """One exercise's analysis of a recording. For toe writing, `letter_every_s` gives the
    prompt times (a letter every so many seconds from `first_letter_s`); without it the
    letters are split at the pauses between them."""
    one_blas_thread()
    prompts = None
    if exercise == "toe-writing" and letter_every_s is not None:
        prompts = even_prompts(first_letter_s, letter_every_s)
    return analyse(frames, exercise, side=side, prompts=prompts, origin=origin)
