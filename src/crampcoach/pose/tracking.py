"""Video file -> landmark track (JSON Lines), and reading either kind of file as frames."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from crampcoach.errors import UserError
from crampcoach.motion.track import Frame, TrackError, parse_track, track_lines
from crampcoach.motion.view import View, refuse_wrong_view
from crampcoach.pose.errors import NoPersonError
from crampcoach.pose.estimator import PoseEstimator
from crampcoach.pose.mediapipe_pose import MediaPipePose, load_pose_solution
from crampcoach.pose.video import VideoReader

# Frames are scaled down so their long side is at most this many pixels before the pose
# model sees them. MediaPipe works on a 256x256 crop whatever the input, so this changes
# neither detection nor landmarks measurably; it only trims the cost of very large frames
# (4K). 720p video passes unchanged.
DEFAULT_MAX_SIDE = 1280
TRACK_SUFFIXES = frozenset({".jsonl", ".json"})

Progress = Callable[[int, int], None]  # (frames done, frames expected or 0 when unknown)


@dataclass(frozen=True)
class TrackSummary:
    frames: int
    found: int  # frames with a person
    duration_s: float  # from the first frame's time to the last one's


def track_video(
    path: str | os.PathLike[str],
    estimator: PoseEstimator | None = None,
    *,
    progress: Progress | None = None,
    max_side: int | None = DEFAULT_MAX_SIDE,
    limit: int | None = None,
) -> Iterator[Frame]:
    """The landmarks of each frame of a video file, in order, as they are computed.

    The file is opened (and its first frame decoded) at the call, so a bad file fails at
    once. Without an `estimator`, a `MediaPipePose` is made on first use and closed at the
    end; a given one is left open. `max_side` (None or 0: full size) scales frames down
    before pose; each Frame's `size` is still the video's own. `limit` stops after that
    many frames. Raises NoPersonError at the end when no frame had a person.
    """
    reader = VideoReader(path)
    if estimator is None:
        try:
            load_pose_solution()  # CameraExtraMissing now, not at the first frame
        except BaseException:
            reader.close()
            raise
    return _track(reader, estimator, progress, max_side, limit)


def _track(
    reader: VideoReader,
    estimator: PoseEstimator | None,
    progress: Progress | None,
    max_side: int | None,
    limit: int | None,
) -> Iterator[Frame]:
    with reader, contextlib.ExitStack() as owned:
        if estimator is None:
            estimator = owned.enter_context(MediaPipePose())
        info = reader.info
        expected = min(info.frames, limit) if limit is not None else info.frames
        size = (info.width, info.height)
        found = 0
        frames = reader.frames(max_side=max_side, limit=limit)
        for count, (t, rgb) in enumerate(frames, start=1):
            frame = estimator.estimate(rgb, t)
            if frame.size != size:
                frame = replace(frame, size=size)
            found += frame.found
            if progress is not None:
                progress(count, max(expected, count))
            yield frame
        if found == 0:
            raise NoPersonError(f"no person found in {reader.name}")


def write_track(frames: Iterable[Frame], out_path: str | os.PathLike[str]) -> TrackSummary:
    """Write frames as a JSON Lines track, atomically: the file appears whole or not at all.

    Lines go to a temporary file beside the target, which replaces it only once every
    frame is written; any error (including one raised while the frames are made) leaves
    no file behind and the old one, if any, untouched. A new file is readable by its
    owner only (landmarks are personal data); an overwritten one keeps its permissions.
    """
    out = Path(out_path)
    name = str(out_path)
    if out.is_dir():
        raise UserError(f"{name} is a folder: give a file name for the track")
    folder = out.parent
    if not folder.is_dir():
        raise UserError(f"cannot write {name}: the folder {folder} does not exist")
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise UserError(f"cannot write {name}: {exc.strerror or exc}") from None
    counts = {"frames": 0, "found": 0}
    first_t = last_t = 0.0

    def counted() -> Iterator[Frame]:
        nonlocal first_t, last_t
        for frame in frames:
            if counts["frames"] == 0:
                first_t = frame.t
            last_t = frame.t
            counts["frames"] += 1
            counts["found"] += frame.found
            yield frame

    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as stream:
            stream.writelines(track_lines(counted()))
            if counts["frames"] == 0:
                raise UserError(f"no frames to write to {name}")
            stream.flush()
            os.fsync(stream.fileno())
        if out.exists():
            os.chmod(temp, stat.S_IMODE(out.stat().st_mode))
        os.replace(temp, out)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(exc, OSError):
            raise UserError(f"cannot write {name}: {exc.strerror or exc}") from None
        raise
    return TrackSummary(counts["frames"], counts["found"], last_t - first_t)


def is_track_file(path: str | os.PathLike[str]) -> bool:
    """True for a landmark track: a .jsonl/.json name, or text that begins with `{`."""
    file = Path(path)
    if file.suffix.lower() in TRACK_SUFFIXES:
        return True
    try:
        with file.open("rb") as stream:
            head = stream.read(256)
    except OSError:
        return False  # let the video path say what is wrong with the file
    return head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"{")


def read_track_file(path: str | os.PathLike[str]) -> list[Frame]:
    """The frames of a JSON Lines track file; TrackError with the line when it is not valid."""
    name = str(path)
    file = Path(path)
    if not file.exists():
        raise TrackError(f"{name}: no such file")
    if file.is_dir():
        raise TrackError(f"{name} is a folder, not a track file")
    try:
        with file.open(encoding="utf-8-sig") as stream:
            return parse_track(stream, origin=name)
    except UnicodeDecodeError:
        raise TrackError(f"{name} is not a text file, so not a landmark track") from None
    except OSError as exc:
        raise TrackError(f"cannot read {name}: {exc.strerror or exc}") from None


def load_frames(
    path: str | os.PathLike[str],
    *,
    estimator: PoseEstimator | None = None,
    progress: Progress | None = None,
    max_side: int | None = DEFAULT_MAX_SIDE,
    view: View | None = None,
) -> list[Frame]:
    """Frames from a track file, or from a video tracked now (needs the "camera" extra).
    With `view`, a video whose first seconds show the person from the other view stops
    there with WrongView (`motion.view.refuse_wrong_view`), not after it is all tracked."""
    if is_track_file(path):
        return read_track_file(path)
    frames: Iterable[Frame] = track_video(path, estimator, progress=progress, max_side=max_side)
    if view is not None:
        frames = refuse_wrong_view(frames, view)
    return list(frames)
