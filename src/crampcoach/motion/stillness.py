"""Does the rest of the body keep still while one foot exercises?

In every foot exercise one foot moves while the body rests on the other one (standing on
it) or on a chair or a bed (the other foot still): the hips keep their place above that
foot, but for a little sway. What moves feet a lot in everyday footage moves the hips
about the feet too: walking swings each foot under the hips in turn, a jumping jack
spreads and closes the feet beneath them, a squat lowers the hips between the feet.

So `body_movement` is the other foot's movement about the hips' centre, in shank lengths
(knee to ankle, so a person far from the camera moves as much as a near one). Measured
relative to the hips, it does not depend on a camera that pans or a person who travels
across the frame. Movement is the spread of the point about its mean in windows of
WINDOW_S (the position itself, where the feet stand apart, is not movement), less what
the landmarks' frame-to-frame jitter alone would give, after a three-frame median
(single-frame outliers), as a root mean square over the windows.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from crampcoach.motion.landmarks import LEFT_HIP, RIGHT_HIP, SIDES, Side, leg
from crampcoach.motion.track import Frame

WINDOW_S = 2.0  # a step, a jump or a squat takes about a second: two fit in a window
MIN_VISIBILITY = 0.3  # as for the far foot seen from the side: MediaPipe still places it well
MIN_FRAMES = 6  # a window with fewer frames of the foot says nothing


def _median3(points: np.ndarray) -> np.ndarray:
    if len(points) < 3:
        return points
    stacked = np.stack([points[:-2], points[1:-1], points[2:]])
    return np.concatenate([points[:1], np.median(stacked, axis=0), points[-1:]])


def _movement(points: np.ndarray) -> float:
    """Variance of a 2-D path about its mean, less the jitter's (from second differences
    of the raw path: jitter is frame to frame, movement is not)."""
    if len(points) < 4:
        return 0.0
    second = points[2:] - 2 * points[1:-1] + points[:-2]
    jitter = (1.4826 * np.median(np.abs(second), axis=0)) ** 2 / 6  # per axis
    smooth = _median3(points)
    spread = float(((smooth - smooth.mean(axis=0)) ** 2).sum(axis=1).mean())
    return max(spread - float(jitter.sum()), 0.0)


class BodyTrack:
    """Per frame, for each side: the toe relative to its knee, to its heel (the foot's
    line) and to the hips' centre, and the shank's length (image units, x scaled by the
    aspect); NaN where the points are not seen."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self.own: dict[Side, list[np.ndarray]] = {s: [] for s in SIDES}
        self.foot: dict[Side, list[np.ndarray]] = {s: [] for s in SIDES}
        self.from_hips: dict[Side, list[np.ndarray]] = {s: [] for s in SIDES}
        self.shank: dict[Side, list[float]] = {s: [] for s in SIDES}

    def update(self, frame: Frame) -> None:
        if frame.image is None:
            return
        image = frame.image
        aspect = frame.size[0] / frame.size[1] if frame.size else 1.0
        xy = image[:, :2] * np.array([aspect, 1.0])
        hips_seen = bool((image[[LEFT_HIP, RIGHT_HIP], 3] >= MIN_VISIBILITY).all())
        centre = (xy[LEFT_HIP] + xy[RIGHT_HIP]) / 2
        self.times.append(frame.t)
        nothing = np.full(2, np.nan)
        for side in SIDES:
            _hip, knee, ankle, heel, toe, _shoulder = leg(side)
            seen = image[[knee, ankle, toe, heel], 3] >= MIN_VISIBILITY
            self.own[side].append(xy[toe] - xy[knee] if seen[[0, 2]].all() else nothing)
            self.foot[side].append(xy[toe] - xy[heel] if seen[2:].all() else nothing)
            self.from_hips[side].append(xy[toe] - centre if seen[2] and hips_seen else nothing)
            shank = float(np.linalg.norm(xy[ankle] - xy[knee])) if seen[:2].all() else np.nan
            self.shank[side].append(shank)

    def shank_length(self) -> float | None:
        """The median shank length seen (either side), image units."""
        shanks = np.array(self.shank["left"] + self.shank["right"])
        if np.isnan(shanks).all():
            return None
        return float(np.nanmedian(shanks))

    def path(self, kind: str, side: Side) -> tuple[np.ndarray, np.ndarray]:
        """The frames' times and points where seen: kind "foot" (toe minus heel) or
        "toe" (toe minus knee)."""
        points = np.array(self.foot[side] if kind == "foot" else self.own[side]).reshape(-1, 2)
        seen = ~np.isnan(points).any(axis=1)
        return np.array(self.times)[seen], points[seen]

    def body_movement(self, side: Side, spans: Iterable[tuple[float, float]]) -> float | None:
        """How much the other foot moved about the hips during the spans (root mean
        square, shank lengths); None when it was too little seen to tell."""
        other: Side = "left" if side == "right" else "right"
        times = np.array(self.times)
        rest = np.array(self.from_hips[other]).reshape(-1, 2)
        shank = self.shank_length()
        if not len(times) or shank is None:
            return None
        seen = ~np.isnan(rest).any(axis=1)
        moved: list[float] = []
        for start, end in spans:
            for lo in np.arange(start, max(end - WINDOW_S / 2, start + 1e-9), WINDOW_S):
                inside = seen & (times >= lo) & (times <= min(lo + WINDOW_S, end))
                if inside.sum() >= MIN_FRAMES:
                    moved.append(_movement(rest[inside]))
        if not moved or shank <= 0:
            return None
        return float(np.sqrt(np.mean(moved))) / shank
