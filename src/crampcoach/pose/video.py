"""Video files decoded with OpenCV (its bundled FFmpeg): RGB frames with their times.

Times come from the container (each frame's presentation time, `CAP_PROP_POS_MSEC`),
counted from the first frame; where a container gives none, or one that does not move
forward, the frame's index over the frame rate stands in. Every way a file can fail
(missing, a folder, not a video, empty, damaged, unreadable) is a `VideoError` with a
one-line message. OpenCV is imported only when a video is opened.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType, TracebackType
from typing import Any, Self

import numpy as np

from crampcoach.pose.errors import CameraExtraMissing, VideoError

DEFAULT_FPS = 30.0  # assumed when a container does not say
TRUNCATED_SHARE = 0.9  # fewer decoded frames than this share of the declared count: damaged
_SNIFF_BYTES = 1024

# Leading bytes of files that are pictures or documents, never videos.
_NOT_VIDEO_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"BM", "a BMP image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"%PDF", "a PDF document"),
)
_IMAGE_BRANDS = {
    b"heic": "a HEIC image",
    b"heix": "a HEIC image",
    b"mif1": "a HEIF image",
    b"avif": "an AVIF image",
}


@dataclass(frozen=True)
class VideoInfo:
    """What a video says about itself; `frames` and `fps` are 0 when the container is silent."""

    frames: int  # frame count declared by the container (an estimate for some formats)
    fps: float
    width: int  # of the decoded frames, after any rotation the file asks for
    height: int
    duration_s: float  # frames / fps, 0.0 when either is unknown


def load_cv2() -> ModuleType:
    """OpenCV, or CameraExtraMissing. FFmpeg's own log lines are silenced unless asked for."""
    os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")  # AV_LOG_QUIET; read at first open
    try:
        import cv2
    except ImportError as exc:
        raise CameraExtraMissing(exc.name or "cv2") from None
    set_level = getattr(cv2, "setLogLevel", None)
    if set_level is not None and "OPENCV_LOG_LEVEL" not in os.environ:
        set_level(2)  # errors only: our own messages say what went wrong with a file
    return cv2


def _sniff(head: bytes) -> str | None:
    """What the file plainly is, when its first bytes show it is not a video."""
    for magic, what in _NOT_VIDEO_MAGIC:
        if head.startswith(magic):
            return what
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "a WebP image"
    if head[4:8] == b"ftyp" and head[8:12] in _IMAGE_BRANDS:
        return _IMAGE_BRANDS[head[8:12]]
    if head.startswith(b"YUV4MPEG2"):  # raw video with a text header
        return None
    if b"\x00" in head:
        return None
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # not merely a character cut at the end
            return None
        text = head[: exc.start].decode("utf-8")
    if all(char.isprintable() or char in "\t\r\n\f" for char in text):
        return "a text file"
    return None


def check_video_file(path: str | os.PathLike[str]) -> Path:
    """The path, made absolute, if it is a readable file that could be a video."""
    name = str(path)
    file = Path(path)
    if not file.exists():
        raise VideoError(f"{name}: no such file")
    if file.is_dir():
        raise VideoError(f"{name} is a folder, not a video")
    try:
        with file.open("rb") as stream:
            head = stream.read(_SNIFF_BYTES)
    except PermissionError:
        raise VideoError(f"cannot read {name}: permission denied") from None
    except OSError as exc:
        raise VideoError(f"cannot read {name}: {exc.strerror or exc}") from None
    if not head:
        raise VideoError(f"{name} is empty (0 bytes), not a video")
    what = _sniff(head)
    if what is not None:
        raise VideoError(f"{name} is not a video (it is {what})")
    # Absolute, so FFmpeg never reads a name like "rtsp:x" or "http:x" as a network address.
    return file.resolve()


def _finite(value: float, low: float, high: float) -> float:
    return value if math.isfinite(value) and low < value < high else 0.0


def fit_within(rgb: np.ndarray, max_side: int | None) -> np.ndarray:
    """The image scaled down (never up) so that its long side is at most `max_side` pixels."""
    height, width = rgb.shape[:2]
    if not max_side or max(width, height) <= max_side:
        return rgb
    cv2 = load_cv2()
    scale = max_side / max(width, height)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return np.asarray(cv2.resize(rgb, size, interpolation=cv2.INTER_AREA))


class VideoReader:
    """An open video: `info`, then `frames()` once, yielding `(t_seconds, rgb)`.

    Opening reads the first frame, so a file that cannot be decoded fails here, before any
    work is done. Use it as a context manager, or call `close`.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.name = str(path)
        file = check_video_file(path)
        cv2 = load_cv2()
        self._cv2 = cv2
        self._capture: Any = None
        capture = cv2.VideoCapture(str(file), cv2.CAP_FFMPEG)
        if not capture.isOpened():
            capture.release()
            raise VideoError(
                f"{self.name} is not a video, or is damaged, or in a format that cannot be "
                "decoded here"
            )
        self._capture = capture
        try:
            first = self._read()
        except BaseException:
            self.close()
            raise
        if first is None:
            self.close()
            raise VideoError(f"no frames could be decoded from {self.name} (empty or damaged)")
        self._first: tuple[float | None, np.ndarray] | None = first
        fps = _finite(float(capture.get(cv2.CAP_PROP_FPS)), 0.0, 1000.0)
        frames = int(_finite(float(capture.get(cv2.CAP_PROP_FRAME_COUNT)), 0.0, 1e8))
        height, width = first[1].shape[:2]
        duration = frames / fps if frames and fps else 0.0
        self.info = VideoInfo(frames, fps, int(width), int(height), duration)
        self._started = False

    def _read(self) -> tuple[float | None, np.ndarray] | None:
        """The next frame as (container time in seconds or None, RGB), or None at the end."""
        cv2 = self._cv2
        try:
            ok, image = self._capture.read()
        except cv2.error as exc:
            message = str(exc).strip().splitlines()[-1] if str(exc).strip() else "decoder error"
            raise VideoError(f"{self.name} could not be decoded: {message}") from None
        if not ok or image is None or image.size == 0:
            return None
        ms = float(self._capture.get(cv2.CAP_PROP_POS_MSEC))
        t = ms / 1000.0 if math.isfinite(ms) and 0.0 <= ms < 1e10 else None
        if image.ndim == 2:
            rgb = cv2.cvtColor(image, cv2.COLOR_GRAY2RGB)
        elif image.shape[2] == 4:
            rgb = cv2.cvtColor(image, cv2.COLOR_BGRA2RGB)
        else:
            rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
        return t, np.asarray(rgb)

    def frames(
        self, *, max_side: int | None = None, limit: int | None = None
    ) -> Iterator[tuple[float, np.ndarray]]:
        """`(t, rgb)` for each frame in order, t in seconds from the first frame (increasing).

        `max_side` scales frames down so the long side is at most that many pixels; `limit`
        stops after that many frames. A video that ends well before the frame count its
        container declares is damaged or cut short: VideoError after its last good frame.
        """
        if self._started:
            raise RuntimeError("VideoReader.frames() can be iterated only once")
        self._started = True
        step = 1.0 / (self.info.fps or DEFAULT_FPS)
        origin: float | None = None
        previous: float | None = None
        count = 0
        while True:
            if limit is not None and count >= limit:
                return  # stopped early on purpose: nothing to say about the rest
            item = self._first if self._first is not None else self._read()
            self._first = None
            if item is None:
                break
            raw_t, rgb = item
            if origin is None:
                origin = raw_t if raw_t is not None else 0.0
            t = None if raw_t is None else raw_t - origin
            if t is None or (previous is not None and t <= previous):
                t = 0.0 if previous is None else previous + step
            previous = t
            count += 1
            yield t, fit_within(rgb, max_side)
        declared = self.info.frames
        if declared and count < TRUNCATED_SHARE * declared - 1:
            raise VideoError(
                f"{self.name} is damaged or cut short: only {count} of its {declared} frames "
                "could be decoded"
            )

    def close(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def probe(path: str | os.PathLike[str]) -> VideoInfo:
    """Frame count, frame rate, size and duration; VideoError if no frame can be decoded."""
    with VideoReader(path) as reader:
        return reader.info


def read_frames(
    path: str | os.PathLike[str], *, max_side: int | None = None, limit: int | None = None
) -> Iterator[tuple[float, np.ndarray]]:
    """`(t_seconds, rgb)` for each frame of a video file; see `VideoReader.frames`."""
    reader = VideoReader(path)  # opens now: a bad file fails at the call, not at first use
    return _closing(reader, reader.frames(max_side=max_side, limit=limit))


def _closing(
    reader: VideoReader, frames: Iterator[tuple[float, np.ndarray]]
) -> Iterator[tuple[float, np.ndarray]]:
    with reader:
        yield from frames
