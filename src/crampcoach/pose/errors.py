"""What can go wrong turning a video into a landmark track: each one a clear user error."""

from __future__ import annotations

from crampcoach.errors import UserError

CAMERA_EXTRA_HINT = (
    "the camera features need the \"camera\" extra: pip install 'crampcoach[camera]'"
)


class CameraExtraMissing(UserError):
    """MediaPipe or OpenCV is not installed (they come with the optional "camera" extra)."""

    def __init__(self, missing: str | None = None) -> None:
        detail = f" ({missing} is not installed)" if missing else ""
        super().__init__(CAMERA_EXTRA_HINT + detail)


class VideoError(UserError):
    """A video file that cannot be read: missing, not a video, empty, damaged or unreadable."""


class NoPersonError(VideoError):
    """A video in which the pose model found nobody in any frame."""
