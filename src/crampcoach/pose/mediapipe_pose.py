"""MediaPipe Pose (the legacy "solutions" API, BlazePose full) as a `PoseEstimator`.

Only `model_complexity=1` is used: its model (`pose_landmark_full.tflite`) ships inside the
mediapipe wheel. Complexities 0 and 2 make mediapipe download a model at run time, which
crampcoach never does (no network calls at run time), so they are not offered. MediaPipe's
Python solutions send no telemetry. MediaPipe is imported only when a `MediaPipePose` is
made, so the rest of crampcoach works without the "camera" extra.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from crampcoach.errors import UserError
from crampcoach.motion.landmarks import COUNT
from crampcoach.motion.track import Frame
from crampcoach.pose.errors import CameraExtraMissing
from crampcoach.pose.estimator import PoseEstimator, check_rgb

MODEL_COMPLEXITY = 1  # the only complexity whose model ships with mediapipe: never 0 or 2
# The model files complexity 1 needs, relative to the mediapipe package folder.
BUNDLED_MODELS = (
    "modules/pose_detection/pose_detection.tflite",
    "modules/pose_landmark/pose_landmark_full.tflite",
)


def load_pose_solution() -> ModuleType:
    """`mediapipe.solutions.pose`, or CameraExtraMissing when mediapipe (or cv2) is absent."""
    try:
        import mediapipe as mp
    except ImportError as exc:  # mediapipe itself, or cv2 / numpy that it imports
        raise CameraExtraMissing(exc.name or "mediapipe") from None
    package = Path(mp.__file__).parent
    missing = [name for name in BUNDLED_MODELS if not (package / name).is_file()]
    if missing:  # mediapipe would try to fetch nothing for these, but fail obscurely
        raise UserError(
            f"the installed mediapipe lacks its pose model ({Path(missing[0]).name}): "
            "reinstall it with pip install --force-reinstall 'crampcoach[camera]'"
        )
    return mp.solutions.pose


@contextmanager
def quiet_native_stderr(enabled: bool = True) -> Iterator[None]:
    """Silence what native code writes to file descriptor 2 (MediaPipe's start-up log lines).

    The redirection is process-wide, so it is kept to the model's start-up; Python's own
    `sys.stderr` is flushed first so nothing of ours is lost.
    """
    if not enabled:
        yield
        return
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):  # no usable fd 2 (e.g. a GUI launcher)
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


class MediaPipePose(PoseEstimator):
    """One person's 33 landmarks per frame, tracked from frame to frame and smoothed.

    Feed the frames of one video (or camera session) in time order. Not thread-safe: use one
    instance per stream. `quiet` hides MediaPipe's native start-up log lines on stderr.
    """

    def __init__(
        self,
        *,
        min_detection_confidence: float = 0.5,
        min_tracking_confidence: float = 0.5,
        quiet: bool = True,
    ) -> None:
        solution = load_pose_solution()
        assert MODEL_COMPLEXITY == 1, "only the bundled full model may be used"
        self._quiet = quiet
        self._warm = False
        self._pose: Any = None
        with quiet_native_stderr(quiet):
            self._pose = solution.Pose(
                static_image_mode=False,
                model_complexity=MODEL_COMPLEXITY,
                smooth_landmarks=True,
                enable_segmentation=False,
                min_detection_confidence=min_detection_confidence,
                min_tracking_confidence=min_tracking_confidence,
            )

    def estimate(self, rgb: np.ndarray, t: float) -> Frame:
        if self._pose is None:
            raise RuntimeError("this MediaPipePose is closed")
        image = check_rgb(rgb).view()
        image.flags.writeable = False  # lets mediapipe use the pixels without a copy
        height, width = image.shape[:2]
        if self._warm:
            results = self._pose.process(image)
        else:  # the graph starts on the first frame and logs from native code
            with quiet_native_stderr(self._quiet):
                results = self._pose.process(image)
            self._warm = True
        size = (int(width), int(height))
        if results.pose_landmarks is None:
            return Frame(float(t), None, None, size)
        marks = results.pose_landmarks.landmark
        landmarks = np.array([(m.x, m.y, m.z, m.visibility) for m in marks], dtype=float)
        world = None
        if results.pose_world_landmarks is not None:
            points = results.pose_world_landmarks.landmark
            world = np.array([(m.x, m.y, m.z) for m in points], dtype=float)
        if landmarks.shape != (COUNT, 4) or (world is not None and world.shape != (COUNT, 3)):
            raise RuntimeError(f"MediaPipe returned {len(marks)} landmarks, expected {COUNT}")
        return Frame(float(t), landmarks, world, size)

    def reset(self) -> None:
        """Forget the frames seen so far (tracking, smoothing): the next frame starts a new
        stream, as with a new instance, without loading the model again."""
        if self._pose is None:
            raise RuntimeError("this MediaPipePose is closed")
        self._pose.reset()
        self._warm = False  # its graph starts again on the next frame (and logs)

    def close(self) -> None:
        if self._pose is not None:
            self._pose.close()
            self._pose = None
