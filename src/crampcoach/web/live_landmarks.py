"""A landmark frame from the live socket, checked strictly before it becomes a `Frame`.

The fields are those of the landmark-track format (ARCHITECTURE.md); here every value is
also bounded, because it comes from a socket: a bool is not a number, image x, y and z lie
within +-MAX_IMAGE_COORD (MediaPipe puts landmarks outside the picture a little beyond
0..1), visibility within 0..1, world coordinates within +-MAX_WORLD_M metres of the hips,
and the picture's size is whole pixels up to MAX_SIDE_PX a side.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from crampcoach.motion.landmarks import COUNT
from crampcoach.motion.track import Frame
from crampcoach.pose.jpeg import MAX_SIDE_PX

MAX_IMAGE_COORD = 10.0
MAX_WORLD_M = 10.0
FIELDS = frozenset({"type", "id", "t", "image", "world", "size"})


class LandmarkError(ValueError):
    """A landmark frame that cannot be used; the message names the field."""


def _is_number(value: object) -> bool:
    return type(value) is float or type(value) is int  # bool is a subclass of int: refused


def _rows(value: object, where: str, limit: float) -> np.ndarray:
    """33 rows of 3 or 4 numbers: x, y, z within +-limit, then visibility within 0..1."""
    if not isinstance(value, list) or len(value) != COUNT:
        got = len(value) if isinstance(value, list) else type(value).__name__
        raise LandmarkError(f"landmarks: {where}: expected {COUNT} landmarks, got {got}")
    width = len(value[0]) if isinstance(value[0], list) else 0
    for row in value:
        if not isinstance(row, list) or len(row) != width or width not in (3, 4):
            raise LandmarkError(f"landmarks: {where}: each landmark needs 3 or 4 numbers")
        if not all(_is_number(v) for v in row):
            raise LandmarkError(f"landmarks: {where}: landmarks must be lists of numbers")
    array = np.array(value, dtype=float)
    if not (np.abs(array[:, :3]) <= limit).all():
        raise LandmarkError(f"landmarks: {where}: x, y and z must be within +-{limit:g}")
    if width == 4 and not ((array[:, 3] >= 0) & (array[:, 3] <= 1)).all():
        raise LandmarkError(f"landmarks: {where}: visibility must be from 0 to 1")
    return array


def _size(value: object) -> tuple[int, int] | None:
    if value is None:
        return None
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(type(v) is int and 1 <= v <= MAX_SIDE_PX for v in value)
    ):
        raise LandmarkError(
            f'landmarks: "size" must be [width, height] in whole pixels, 1 to {MAX_SIDE_PX}'
        )
    return value[0], value[1]


def landmark_frame(data: dict[str, Any]) -> Frame:
    """The `Frame` a parsed landmark message holds; LandmarkError when anything is off."""
    unknown = sorted(set(data) - FIELDS)
    if unknown:
        raise LandmarkError(f"landmarks: unknown field {unknown[0][:40]!r}")
    if "t" not in data or "image" not in data:
        raise LandmarkError('landmarks: a frame needs "t" and "image"')
    t = data["t"]
    if not _is_number(t):
        raise LandmarkError('landmarks: "t" must be a number of seconds')
    image = None
    if data["image"] is not None:
        image = _rows(data["image"], "image", MAX_IMAGE_COORD)
        if image.shape[1] == 3:  # no visibility column: every landmark counts as seen
            image = np.column_stack([image, np.ones(COUNT)])
    world = None
    if data.get("world") is not None:
        world = _rows(data["world"], "world", MAX_WORLD_M)[:, :3]
        if image is None:
            world = None  # nobody seen: the world has no one in it either
    return Frame(float(t), image, world, _size(data.get("size")))
