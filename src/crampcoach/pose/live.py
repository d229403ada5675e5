"""The pose adapter for a live camera: JPEG frames in, landmark `Frame`s out.

One `LivePose` serves one camera session. The pose model is made on `open` (or the first
frame) by the factory given, `MediaPipePose` by default; without the "camera" extra that
raises `CameraExtraMissing`. Not thread-safe: call it from one thread (a web server runs
it in a worker thread of its own so its event loop stays free).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from crampcoach.motion.track import Frame
from crampcoach.pose.estimator import PoseEstimator
from crampcoach.pose.jpeg import LIVE_MAX_SIDE, decode_jpeg

PoseFactory = Callable[[], PoseEstimator]
WARM_UP_SIZE = (640, 480)


def default_pose_factory() -> PoseEstimator:
    from crampcoach.pose.mediapipe_pose import MediaPipePose

    return MediaPipePose()


class LivePose:
    def __init__(
        self, factory: PoseFactory = default_pose_factory, *, max_side: int = LIVE_MAX_SIDE
    ) -> None:
        self._factory = factory
        self._max_side = max_side
        self._estimator: PoseEstimator | None = None

    @property
    def is_open(self) -> bool:
        return self._estimator is not None

    def open(self) -> None:
        """Make the pose model now (about a second) rather than at the first frame, and run
        it once on a blank frame: its first call starts its graph (a few hundred ms more)."""
        if self._estimator is None:
            estimator = self._factory()
            try:
                blank = np.zeros((WARM_UP_SIZE[1], WARM_UP_SIZE[0], 3), np.uint8)
                estimator.estimate(blank, 0.0)
            except BaseException:
                estimator.close()
                raise
            self._estimator = estimator

    def estimate_jpeg(self, data: bytes, t: float) -> Frame:
        """The landmarks of one JPEG frame taken at `t` seconds. FrameError for a frame that
        is not a usable JPEG; the model is not touched then."""
        rgb = decode_jpeg(data, max_side=self._max_side)
        self.open()
        assert self._estimator is not None
        return self._estimator.estimate(rgb, t)

    def close(self) -> None:
        if self._estimator is not None:
            self._estimator.close()
            self._estimator = None
