"""Reading one leg's points out of a frame: metric world coordinates when the track has
them, else image coordinates with the pixel aspect restored when the size is known."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from crampcoach.motion.landmarks import Side, leg
from crampcoach.motion.track import Frame

MIN_VISIBILITY = 0.5


@dataclass(frozen=True)
class LegPoints:
    hip: np.ndarray
    knee: np.ndarray
    ankle: np.ndarray
    heel: np.ndarray
    toe: np.ndarray
    shoulder: np.ndarray

    @property
    def shank(self) -> float:
        return float(np.linalg.norm(self.ankle - self.knee))


def _aspect(frame: Frame) -> float:
    return frame.size[0] / frame.size[1] if frame.size else 1.0


def image_leg(
    frame: Frame,
    side: Side,
    *,
    need: tuple[int, ...] | None = None,
    min_visibility: float = MIN_VISIBILITY,
) -> LegPoints | None:
    """2D points (x right, y down) with x scaled by the aspect so distances are isotropic;
    None when the frame has no person or a needed landmark is poorly seen."""
    if frame.image is None:
        return None
    indices = leg(side)
    checked = need if need is not None else indices
    if (frame.image[list(checked), 3] < min_visibility).any():
        return None
    xy = frame.image[:, :2].copy()
    xy[:, 0] *= _aspect(frame)
    return LegPoints(*(xy[i] for i in indices))


def world_leg(
    frame: Frame,
    side: Side,
    *,
    need: tuple[int, ...] | None = None,
    min_visibility: float = MIN_VISIBILITY,
) -> LegPoints | None:
    """3D metric points when the track has world landmarks, else None."""
    if frame.image is None or frame.world is None:
        return None
    indices = leg(side)
    checked = need if need is not None else indices
    if (frame.image[list(checked), 3] < min_visibility).any():
        return None
    return LegPoints(*(frame.world[i] for i in indices))


def angle_deg(a: np.ndarray, b: np.ndarray) -> float:
    """The angle between two vectors, in degrees (0..180)."""
    na, nb = float(np.linalg.norm(a)), float(np.linalg.norm(b))
    if na == 0 or nb == 0:
        return float("nan")
    cosine = float(np.dot(a, b)) / (na * nb)
    return float(np.degrees(np.arccos(np.clip(cosine, -1.0, 1.0))))
