"""The pose adapter: video frames -> landmark tracks (MediaPipe Pose, the "camera" extra).

Nothing here imports MediaPipe or OpenCV until a video is opened or a model is made, so
importing this package is cheap and works without the extra.
"""

from __future__ import annotations

from crampcoach.pose.errors import CameraExtraMissing, NoPersonError, VideoError
from crampcoach.pose.estimator import PoseEstimator
from crampcoach.pose.mediapipe_pose import MediaPipePose
from crampcoach.pose.tracking import (
    DEFAULT_MAX_SIDE,
    TrackSummary,
    is_track_file,
    load_frames,
    read_track_file,
    track_video,
    write_track,
)
from crampcoach.pose.video import VideoInfo, VideoReader, probe, read_frames

__all__ = [
    "DEFAULT_MAX_SIDE",
    "CameraExtraMissing",
    "MediaPipePose",
    "NoPersonError",
    "PoseEstimator",
    "TrackSummary",
    "VideoError",
    "VideoInfo",
    "VideoReader",
    "is_track_file",
    "load_frames",
    "probe",
    "read_frames",
    "read_track_file",
    "track_video",
    "write_track",
]
