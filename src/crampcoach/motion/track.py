"""Landmark tracks: the seam between the pose adapter and the analysers.

JSON Lines, one frame per line: ``{"t": seconds, "image": [[x, y, z, visibility] x 33] or
null, "world": [[x, y, z] x 33] (optional)}``. ``image`` is MediaPipe's normalised image
coordinates of the raw (unmirrored) frame (x right, y down, 0..1). Frames may also carry
``"size": [width, height]`` in pixels (written by crampcoach's pose adapter), which lets
angles be measured without the stretch of normalised coordinates.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from crampcoach.errors import UserError
from crampcoach.motion.landmarks import COUNT


class TrackError(UserError):
    """A track file that cannot be read as landmarks."""


@dataclass(frozen=True)
class Frame:
    t: float
    image: np.ndarray | None  # (33, 4): x, y, z, visibility; None when nobody was found
    world: np.ndarray | None = None  # (33, 3) metres, or None
    size: tuple[int, int] | None = None  # (width, height) of the video frame in pixels

    @property
    def found(self) -> bool:
        return self.image is not None


def _matrix(value: object, columns: tuple[int, ...], where: str) -> np.ndarray:
    if not isinstance(value, list) or len(value) != COUNT:
        got = len(value) if isinstance(value, list) else type(value).__name__
        raise TrackError(f"{where}: expected {COUNT} landmarks, got {got}")
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TrackError(f"{where}: landmarks must be lists of numbers") from None
    if array.ndim != 2 or array.shape[1] not in columns:
        raise TrackError(f"{where}: each landmark needs {' or '.join(map(str, columns))} numbers")
    if not np.isfinite(array).all():
        raise TrackError(f"{where}: landmarks must be finite numbers")
    return array


def parse_frame(line: str, where: str) -> Frame:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise TrackError(f"{where}: not JSON ({exc.msg})") from None
    if not isinstance(data, dict) or "t" not in data or "image" not in data:
        raise TrackError(f'{where}: a frame needs "t" and "image"')
    t = data["t"]
    if not isinstance(t, int | float) or isinstance(t, bool) or not math.isfinite(t):
        raise TrackError(f'{where}: "t" must be a number of seconds')
    image = None
    if data["image"] is not None:
        image = _matrix(data["image"], (3, 4), f"{where}: image")
        if image.shape[1] == 3:  # no visibility column: treat every landmark as seen
            image = np.column_stack([image, np.ones(COUNT)])
    world = None
    if data.get("world") is not None and image is not None:
        world = _matrix(data["world"], (3, 4), f"{where}: world")[:, :3]
    size = None
    raw_size = data.get("size")
    if (
        isinstance(raw_size, list)
        and len(raw_size) == 2
        and all(isinstance(v, int | float) and v > 0 for v in raw_size)
    ):
        size = (int(raw_size[0]), int(raw_size[1]))
    return Frame(float(t), image, world, size)


def parse_track(lines: Iterable[str], origin: str = "track") -> list[Frame]:
    """Frames from JSON Lines text; blank lines are skipped; times must not go backwards."""
    frames: list[Frame] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        frame = parse_frame(line, f"{origin} line {number}")
        if frames and frame.t < frames[-1].t:
            raise TrackError(f"{origin} line {number}: time goes backwards ({frame.t} s)")
        frames.append(frame)
    if not frames:
        raise TrackError(f"{origin}: the track has no frames")
    return frames


def frame_to_json(frame: Frame, digits: int = 5) -> str:
    data: dict[str, object] = {"t": round(frame.t, 4)}
    data["image"] = None if frame.image is None else np.round(frame.image, digits).tolist()
    if frame.world is not None:
        data["world"] = np.round(frame.world, digits).tolist()
    if frame.size is not None:
        data["size"] = list(frame.size)
    return json.dumps(data, separators=(",", ":"))


def track_lines(frames: Iterable[Frame]) -> Iterator[str]:
    for frame in frames:
        yield frame_to_json(frame) + "\n"
