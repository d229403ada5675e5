""" "Show me how": a short, clean, looping demonstration of an exercise step.

The figure moves as the package's own motion model moves: the synthetic-track generator
behind the test fixtures (`crampcoach.fixtures.motion`), in its clean demo mode (no
jitter, no lost frames, the body still but for the exercise), with the camera placed as
the exercise's camera advice says (in front for circles and toe writing, at the side of
the working leg for toe points, at the side for child's pose). The track is cut to the
movement with a moment of stillness on either side and made to loop without a jump.

A demonstration is landmark positions in the raw (unmirrored) image, like a camera's; the
player shows it mirrored, like its camera preview, so the person's own clockwise
(ARCHITECTURE.md), which is counterclockwise in the raw image, turns clockwise on screen.
Each one is made once per (exercise, leg, direction) and kept (`functools.lru_cache`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal, get_args

import numpy as np

from crampcoach.fixtures.motion import ChildsPoseTruth, SyntheticTrack, generate
from crampcoach.motion.landmarks import COUNT, SIDES, Side
from crampcoach.motion.track import Frame
from crampcoach.motion.view import View
from crampcoach.services.demonstration_guides import Closeup, Guides, Label, Still, Trail

Exercise = Literal["ankle-circles", "toe-points", "toe-writing", "childs-pose"]
Direction = Literal["clockwise", "counterclockwise"]
EXERCISES: tuple[Exercise, ...] = get_args(Exercise)
FOOT_EXERCISES = ("ankle-circles", "toe-points", "toe-writing")
DIRECTIONS: tuple[Direction, ...] = get_args(Direction)
SEED = 0  # the same person and movement every time
FPS = 20.0
DIGITS = 3  # of the normalised image coordinates: under a pixel of a 640 px canvas
HEIGHT_M = 1.7
FILL = 0.9  # of the frame taken by the body's box
FOV_DEG = 25.0  # a long lens from afar: little perspective, so the lifted foot looks lifted
SIZES: dict[View, tuple[int, int]] = {"front": (480, 640), "side": (640, 480)}
CIRCLES = 3
LETTERS = "ABC"
REPS = 3
BREATHS = 2
BREATHS_PER_MIN = 10.0
STILL_S = 0.6  # kept before the first and after the last movement
MOVING = 0.004  # of the frame: a landmark this far from the resting pose is movement
SEAM_S = 0.5  # the last moments are eased into the first frame, so the loop has no jump

_OPTIONS: dict[str, dict[str, Any]] = {
    "ankle-circles": dict(partial=False, radius_cm=8.0, seconds_per_circle=1.5),
    "toe-points": dict(reps=REPS, posture="sitting", far_leg=False),
    "toe-writing": dict(letters=LETTERS, letter_height_cm=20.0),
    "childs-pose": dict(
        hold_s=BREATHS * 60 / BREATHS_PER_MIN,
        breaths_per_min=BREATHS_PER_MIN,
        breath_rise_cm=1.5,
        start="kneeling",
        end="kneeling",
        arms="back",
        interruption=False,
    ),
}


class DemonstrationError(ValueError):
    """No demonstration for what was asked."""


@dataclass(frozen=True)
class Demonstration:
    exercise: str
    leg: Side | None
    direction: Direction | None
    view: View
    fps: float
    size: tuple[int, int]  # (width, height) of the image the coordinates are normalised to
    frames: np.ndarray  # (n, 33, 2) x right, y down, 0..1, raw (unmirrored); read-only
    highlight: tuple[int, ...]  # the working part's landmarks
    far: tuple[int, ...]  # landmarks of the body's side away from the camera (side views)
    ghost: tuple[int, ...]  # what a still picture's ghosts show: the working foot
    trail: Trail | None
    closeup: Closeup | None
    labels: tuple[Label, ...]
    stills: tuple[Still, ...]
    caption: str
    description: str  # what a screen reader says about the animation

    @property
    def duration_s(self) -> float:
        return len(self.frames) / self.fps

    def track(self) -> list[Frame]:
        """The demonstration as a landmark track (every landmark seen), for the analysers."""
        size = self.size
        seen = np.ones((COUNT, 1))
        return [
            Frame(i / self.fps, np.hstack([xy, np.zeros((COUNT, 1)), seen]), None, size)
            for i, xy in enumerate(self.frames)
        ]


def demonstration(
    exercise: str, leg: Side | None = None, direction: Direction | None = None
) -> Demonstration:
    """The demonstration of an exercise step: the step's leg (right when not given) and,
    for ankle circles, its direction (clockwise when not given). Child's pose has no leg;
    only ankle circles have a direction."""
    if exercise not in EXERCISES:
        raise DemonstrationError(
            f"no demonstration for {exercise!r}; one of: {', '.join(EXERCISES)}"
        )
    if leg is not None and leg not in SIDES:
        raise DemonstrationError(f"leg must be left or right, not {leg!r}")
    if direction is not None and direction not in DIRECTIONS:
        raise DemonstrationError(
            f"direction must be clockwise or counterclockwise, not {direction!r}"
        )
    side = (leg or "right") if exercise in FOOT_EXERCISES else None
    turning = (direction or "clockwise") if exercise == "ankle-circles" else None
    return _made(exercise, side, turning)


@lru_cache(maxsize=16)
def _made(exercise: str, side: Side | None, direction: Direction | None) -> Demonstration:
    options = dict(_OPTIONS[exercise])
    if side is not None:
        options["side"] = side
    if direction is not None:
        options["clockwise"] = CIRCLES if direction == "clockwise" else 0
        options["counterclockwise"] = CIRCLES - options["clockwise"]
    view: View = "front" if exercise in ("ankle-circles", "toe-writing") else "side"
    track = generate(
        exercise,
        SEED,
        clean=True,
        demo=True,
        fps=FPS,
        size=SIZES[view],
        fill=FILL,
        fov_deg=FOV_DEG,
        height_m=HEIGHT_M,
        **options,
    )
    image = track.clean_image[..., :2]
    first, last = _moving_span(track)
    smooth = looped(image[first : last + 1])
    frames = np.round(smooth, DIGITS)
    frames.flags.writeable = False
    parts = Guides(track, smooth, track.camera.fps, first, side)
    return Demonstration(
        exercise=exercise,
        leg=side,
        direction=direction,
        view=view,
        fps=track.camera.fps,
        size=track.camera.size,
        frames=frames,
        highlight=parts.highlight(),
        far=parts.far(),
        ghost=parts.ghost(),
        trail=parts.trail(),
        closeup=parts.closeup(),
        labels=parts.labels(),
        stills=parts.stills(),
        caption=_caption(exercise, side, direction),
        description=_description(exercise, side, direction),
    )


def _moving_span(track: SyntheticTrack) -> tuple[int, int]:
    """The first and last frame of the demonstration: STILL_S before the first landmark
    leaves its resting place and after the last one comes back (for child's pose, whose
    breath never stops, before getting into the pose and after getting out)."""
    image = track.clean_image[..., :2]
    last = len(image) - 1
    truth = track.truth
    if isinstance(truth, ChildsPoseTruth):
        begin = round(truth.enter_interval[0] * FPS)
        end = round(truth.exit_interval[1] * FPS)
    else:
        away_start = np.abs(image - image[0]).max(axis=(1, 2)) > MOVING
        away_end = np.abs(image - image[-1]).max(axis=(1, 2)) > MOVING
        begin = int(np.argmax(away_start)) if away_start.any() else 0
        end = last - int(np.argmax(away_end[::-1])) if away_end.any() else last
    margin = round(STILL_S * FPS)
    return max(0, begin - margin), min(last, end + margin)


def looped(frames: np.ndarray) -> np.ndarray:
    """The frames with their last SEAM_S eased toward the first frame, so that playing
    them in a loop shows no jump (the frame after the last is the first)."""
    n = len(frames)
    k = min(n - 1, round(SEAM_S * FPS))
    if k <= 0:
        return frames.copy()
    gap = frames[0] - frames[-1]
    share = np.zeros(n)
    x = np.arange(1, k + 1) / (k + 1)
    share[n - k :] = x * x * (3 - 2 * x)
    return frames + share[:, None, None] * gap[None]


def _caption(exercise: str, side: Side | None, direction: Direction | None) -> str:
    if exercise == "ankle-circles":
        return (
            f"Front view, as in a mirror: the {side} foot's toes draw circles, "
            f"{direction} as you see them."
        )
    if exercise == "toe-points":
        return (
            f"Side view: point the {side} foot's toes down, then pull the foot up toward the shin."
        )
    if exercise == "toe-writing":
        return f"Front view, as in a mirror: the {side} foot's toes write A, B, C in the air."
    return "Side view: kneel, sit back on your heels, fold forward and breathe slowly."


def _description(exercise: str, side: Side | None, direction: Direction | None) -> str:
    if exercise == "ankle-circles":
        other = "left" if side == "right" else "right"
        return (
            f"Animated figure seen from the front: standing on the {other} leg with a hand "
            f"on a support, it lifts the {side} foot and draws {CIRCLES} {direction} circles "
            "with the toes, moving only the ankle."
        )
    if exercise == "toe-points":
        return (
            f"Animated figure seen from the side, sitting with the {side} leg stretched out: "
            f"it points the toes down, then pulls the foot up toward the shin, {REPS} times."
        )
    if exercise == "toe-writing":
        return (
            f"Animated figure seen from the front, standing on one leg: the toes of the "
            f"{side} foot write the letters A, B and C in the air."
        )
    return (
        "Animated figure seen from the side: kneeling, it sits back on the heels, folds "
        f"forward with the arms along the body and breathes slowly {BREATHS} times."
    )
