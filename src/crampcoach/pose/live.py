"""The pose adapter for a live camera: JPEG frames in, landmark `Frame`s out.

One `LivePose` serves one camera session at a time. The pose model is made on `open` (or
the first frame) by the factory given, `MediaPipePose` by default; without the "camera"
extra that raises `CameraExtraMissing`. `reset` readies it for the next session (the
model forgets the person it tracked), so a server lends one model to many sessions in
turn (see pose/pool.py) instead of making one per session. Not thread-safe: call it from
one thread (a web server runs it in a worker thread of its own so its event loop stays
free).
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
        self._cold = True  # the next frame would start the model's graph

    @property
    def is_open(self) -> bool:
        return self._estimator is not None

    def open(self) -> None:
        """Make the pose model now (about a second) rather than at the first frame, and run
        it once on a blank frame: its first call starts its graph (a few hundred ms more).
        A model that was reset is only warmed up again."""
        if self._estimator is None:
            self._estimator = self._factory()
            self._cold = True
        if self._cold:
            try:
                blank = np.zeros((WARM_UP_SIZE[1], WARM_UP_SIZE[0], 3), np.uint8)
                self._estimator.estimate(blank, 0.0)
            except BaseException:
                self.close()
                raise
            self._cold = False

    def estimate_jpeg(self, data: bytes, t: float) -> Frame:
        """The landmarks of one JPEG frame taken at `t` seconds. FrameError for a frame that
        is not a usable JPEG; the model is not touched then."""
        rgb = decode_jpeg(data, max_side=self._max_side)
        self.open()
        assert self._estimator is not None
        return self._estimator.estimate(rgb, t)

    def reset(self) -> None:
        """Forget the session so far: the next frame starts a new stream. A model without a
        `reset` of its own is closed instead (the next `open` makes a new one)."""
        if self._estimator is None:
            return
        reset = getattr(self._estimator, "reset", None)
        if not callable(reset):
            self.close()
            return
        try:
            reset()
        except BaseException:
            self.close()
            raise
        self._cold = True

    def close(self) -> None:
        if self._estimator is not None:
            estimator, self._estimator = self._estimator, None
            estimator.close()
