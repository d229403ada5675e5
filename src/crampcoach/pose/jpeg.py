"""Camera frames sent as JPEG: checked before they are decoded, decoded in memory only.

The header is read first (a few bytes of markers, pure Python), so a file that is not a
JPEG, or one that claims a picture too large to decode safely, is refused before OpenCV
allocates anything. Frames are never written anywhere; error messages never quote them.
"""

from __future__ import annotations

import numpy as np

from crampcoach.pose.video import fit_within, load_cv2

MAX_JPEG_BYTES = 2 * 1024 * 1024  # a 640x480 camera frame is 20-80 kB
MAX_SIDE_PX = 4096
MAX_PIXELS = 1920 * 1440
LIVE_MAX_SIDE = 640  # frames are scaled down to this long side before the pose model

# Start-of-frame markers (baseline, progressive, lossless ...) that carry the frame's size.
_SOF = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})
_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})  # markers without a length field


class FrameError(ValueError):
    """A camera frame that cannot be used; the message is safe to show and to log."""


def jpeg_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a JPEG's start-of-frame header; FrameError when it has none."""
    if not data:
        raise FrameError("the frame is empty")
    if len(data) > MAX_JPEG_BYTES:
        raise FrameError(f"the frame is too large ({len(data)} bytes; at most {MAX_JPEG_BYTES})")
    if data[:3] != b"\xff\xd8\xff":
        raise FrameError("the frame is not a JPEG image")
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            raise FrameError("the JPEG is damaged (a marker was expected)")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in _STANDALONE:
            pos += 2
            continue
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        if length < 2:
            raise FrameError("the JPEG is damaged (a segment length is wrong)")
        if marker in _SOF:
            if pos + 9 > len(data):
                break
            height = int.from_bytes(data[pos + 5 : pos + 7], "big")
            width = int.from_bytes(data[pos + 7 : pos + 9], "big")
            return width, height
        if marker == 0xDA:  # start of scan: the picture data begins, no size was given
            break
        pos += 2 + length
    raise FrameError("the JPEG is damaged or cut short (no frame size found)")


def check_jpeg(data: bytes) -> tuple[int, int]:
    """The frame's size if it is a JPEG small enough to decode; FrameError otherwise."""
    width, height = jpeg_size(data)
    if width == 0 or height == 0:
        raise FrameError("the JPEG has no pixels")
    if max(width, height) > MAX_SIDE_PX or width * height > MAX_PIXELS:
        raise FrameError(
            f"the frame is too large ({width}x{height}); send at most 640x480 (or "
            f"{MAX_PIXELS} pixels)"
        )
    return width, height


def decode_jpeg(data: bytes, *, max_side: int | None = LIVE_MAX_SIDE) -> np.ndarray:
    """The frame as an RGB (height, width, 3) uint8 array, scaled down so its long side is
    at most `max_side`. FrameError for anything that is not a usable JPEG;
    CameraExtraMissing when OpenCV is not installed."""
    width, height = check_jpeg(data)
    cv2 = load_cv2()
    try:
        bgr = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    except cv2.error:
        bgr = None
    if bgr is None or bgr.ndim != 3 or bgr.shape[:2] != (height, width):
        raise FrameError("the JPEG could not be decoded (damaged or cut short)")
    rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    return fit_within(np.asarray(rgb), max_side)
