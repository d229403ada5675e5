"""Use cases of the camera features: analyse a video or a landmark track file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from crampcoach.motion.landmarks import Side
from crampcoach.motion.registry import Analysis, analyse
from crampcoach.motion.toe_writing import even_prompts
from crampcoach.motion.track import Frame


def load_recording(
    path: Path, *, progress: Callable[[int, int], None] | None = None
) -> list[Frame]:
    """The frames of a track file, or of a video tracked now (needs the "camera" extra)."""
    from crampcoach.pose.tracking import load_frames

    return load_frames(path, progress=progress)


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
    prompts = None
    if exercise == "toe-writing" and letter_every_s is not None:
        prompts = even_prompts(first_letter_s, letter_every_s)
    return analyse(frames, exercise, side=side, prompts=prompts, origin=origin)
