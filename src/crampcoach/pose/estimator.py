"""The seam between video frames and landmark tracks: any pose model that gives a `Frame`.

`MediaPipePose` is the one crampcoach ships; another model (or a fake in a test) only has to
offer `estimate` and `close`. Subclass `PoseEstimator` explicitly to inherit the context
manager methods, or implement them yourself.
"""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self, runtime_checkable

import numpy as np

from crampcoach.motion.track import Frame


@runtime_checkable
class PoseEstimator(Protocol):
    """Landmarks of the one person in a stream of RGB frames, fed in time order.

    `estimate` takes an (height, width, 3) uint8 RGB image and its time in seconds, and
    returns a `Frame` whose `image` holds MediaPipe Pose's 33 landmarks as rows of
    normalised x, y (0..1 of the raw, unmirrored frame), z and visibility, or None when
    nobody was found. An estimator may use earlier frames (tracking, smoothing), so one
    instance serves one video or one camera session; `close` frees the model.
    """

    def estimate(self, rgb: np.ndarray, t: float) -> Frame: ...

    def close(self) -> None: ...

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def check_rgb(rgb: np.ndarray) -> np.ndarray:
    """The image as a C-contiguous (height, width, 3) uint8 array; ValueError otherwise."""
    if not isinstance(rgb, np.ndarray) or rgb.ndim != 3 or rgb.shape[2] != 3:
        shape = getattr(rgb, "shape", type(rgb).__name__)
        raise ValueError(f"expected an RGB image of shape (height, width, 3), got {shape}")
    if rgb.dtype != np.uint8:
        raise ValueError(f"expected an RGB image of uint8, got {rgb.dtype}")
    if rgb.shape[0] == 0 or rgb.shape[1] == 0:
        raise ValueError("expected a non-empty RGB image")
    return np.ascontiguousarray(rgb)
