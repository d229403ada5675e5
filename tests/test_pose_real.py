"""The pose adapter with the real MediaPipe model on real footage (../shared/data/real/).

Skipped with the reason when the footage or the "camera" extra (mediapipe, cv2) is absent;
under CI (the `CI` variable set) that is a failure instead, so a green CI has run them.
"""

from __future__ import annotations

import shutil
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from crampcoach.cli import track_cmd
from crampcoach.errors import UserError
from crampcoach.motion.landmarks import LEFT_HIP, RIGHT_HIP
from crampcoach.motion.track import Frame, parse_track
from crampcoach.pose import (
    DEFAULT_MAX_SIDE,
    CameraExtraMissing,
    MediaPipePose,
    NoPersonError,
    PoseEstimator,
    VideoError,
    is_track_file,
    load_frames,
    probe,
    read_frames,
    track_video,
    write_track,
)
from unavailable import unavailable

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "real"
FEET = range(27, 33)  # ankles, heels, foot index: left and right


@pytest.fixture(scope="module")
def real() -> Path:
    if not DATA.is_dir():
        unavailable(f"real footage not found at {DATA.resolve()} (see shared/data/README.md)")
    return DATA


@pytest.fixture(scope="module")
def camera_extra() -> None:
    for module in ("mediapipe", "cv2"):
        try:
            __import__(module)
        except ImportError as exc:
            unavailable(f"{module} is not importable ({exc}): pip install 'crampcoach[camera]'")


@pytest.fixture(scope="module")
def walking(real: Path, camera_extra: None) -> list[Frame]:
    """video.avi (205 frames, 50 fps, 1280x720) tracked once for the tests below."""
    return list(track_video(real / "video.avi"))


def cli_app() -> typer.Typer:
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)

    @app.callback()
    def root() -> None:
        """crampcoach (only the track command)."""

    track_cmd.register(app)
    return app


def run_cli(*args: str) -> Any:
    return CliRunner().invoke(cli_app(), list(args))


def assert_one_line_error(result: Any, *fragments: str) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("crampcoach: error: ")
    for fragment in fragments:
        assert fragment in lines[0]
    return lines[0]


def hip_path(frames: list[Frame]) -> np.ndarray:
    """The midpoint of the hips (normalised x, y) in each frame with a person."""
    return np.array(
        [
            (f.image[LEFT_HIP, :2] + f.image[RIGHT_HIP, :2]) / 2
            for f in frames
            if f.image is not None
        ]
    )


# --- the real model on real footage -------------------------------------------------------


def test_walking_video_feet_are_found_in_nearly_every_frame(walking: list[Frame]) -> None:
    assert len(walking) == 205
    assert all(frame.size == (1280, 720) for frame in walking)
    found = [frame for frame in walking if frame.image is not None]
    assert len(found) >= 0.9 * len(walking)
    for index in FEET:
        seen = sum(
            1
            for frame in found
            if frame.image is not None
            and frame.image[index, 3] > 0.5
            and 0.0 <= frame.image[index, 0] <= 1.0
            and 0.0 <= frame.image[index, 1] <= 1.0
        )
        assert seen >= 0.9 * len(walking), f"landmark {index} seen in {seen} frames"
    assert all(frame.world is not None and frame.world.shape == (33, 3) for frame in found)


def test_walking_video_times_come_from_the_container_at_50_fps(walking: list[Frame]) -> None:
    times = np.array([frame.t for frame in walking])
    steps = np.diff(times)
    assert times[0] == 0.0
    assert (steps > 0).all()
    assert np.allclose(steps, 0.02, atol=1e-3)
    assert times[-1] == pytest.approx(204 / 50, abs=1e-3)


def test_track_round_trips_through_json_lines(walking: list[Frame], tmp_path: Path) -> None:
    out = tmp_path / "walk.jsonl"
    summary = write_track(walking, out)
    assert (summary.frames, summary.found) == (205, sum(f.found for f in walking))
    assert summary.duration_s == pytest.approx(4.08, abs=1e-3)
    back = parse_track(out.read_text(encoding="utf-8").splitlines(), origin="walk.jsonl")
    assert len(back) == len(walking)
    for before, after in zip(walking, back, strict=True):
        assert after.t == pytest.approx(before.t, abs=1e-4)
        assert after.size == before.size
        if before.image is None:
            assert after.image is None
            continue
        assert after.image is not None and after.world is not None
        assert np.allclose(after.image, before.image, atol=1e-5)
        assert before.world is not None
        assert np.allclose(after.world, before.world, atol=1e-5)
    assert [tmp_path / "walk.jsonl"] == list(tmp_path.iterdir())  # no temporary file left
    # a track file is read as a track, whatever its name, when it is text starting with "{"
    renamed = tmp_path / "walk.track"
    shutil.copy(out, renamed)
    assert is_track_file(out) and is_track_file(renamed)
    assert len(load_frames(renamed)) == 205


def test_plank_hold_is_found_and_steady(real: Path, camera_extra: None) -> None:
    calls: list[tuple[int, int]] = []
    frames = list(
        track_video(real / "plank_correct_001.mp4", progress=lambda d, t: calls.append((d, t)))
    )
    assert len(frames) == 77
    assert calls == [(n, 77) for n in range(1, 78)]
    assert sum(frame.found for frame in frames) >= 0.9 * len(frames)
    middle = frames[len(frames) // 4 : 3 * len(frames) // 4]
    hips = hip_path(middle)
    assert len(hips) >= 0.9 * len(middle)
    assert np.ptp(hips, axis=0).max() < 0.02  # a held pose: the hips stay put (walking: > 0.05)


def test_walking_hips_move_so_the_steadiness_measure_means_something(
    walking: list[Frame],
) -> None:
    middle = walking[len(walking) // 4 : 3 * len(walking) // 4]
    hips = hip_path(middle)
    assert np.ptp(hips, axis=0).max() > 0.05


def test_downscaled_frames_keep_the_video_size_and_still_find_the_person(
    real: Path, camera_extra: None
) -> None:
    frames = list(track_video(real / "jumpingjack_correct_001.mp4", max_side=480, limit=20))
    assert len(frames) == 20
    assert all(frame.size == (1280, 720) for frame in frames)
    assert sum(frame.found for frame in frames) >= 18
    shapes = {rgb.shape for _, rgb in read_frames(real / "squat_correct_016.mp4", max_side=480)}
    assert shapes == {(270, 480, 3)}


def test_probe_reads_what_the_container_declares(real: Path, camera_extra: None) -> None:
    info = probe(real / "video.avi")
    assert (info.frames, info.fps, info.width, info.height) == (205, 50.0, 1280, 720)
    assert info.duration_s == pytest.approx(4.1)
    plank = probe(real / "plank_correct_001.mp4")
    assert plank.frames == 77 and plank.fps == pytest.approx(29.97, abs=0.01)


def test_a_video_with_nobody_in_it_says_so(tmp_path: Path, camera_extra: None) -> None:
    import cv2

    path = tmp_path / "empty-room.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 10.0, (320, 240))
    for shade in range(10):
        writer.write(np.full((240, 320, 3), 60 + shade, dtype=np.uint8))
    writer.release()
    with pytest.raises(NoPersonError, match=r"no person found in .*empty-room\.avi"):
        write_track(track_video(path), tmp_path / "room.jsonl")
    assert not (tmp_path / "room.jsonl").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty-room.avi"]


# --- MediaPipePose itself -----------------------------------------------------------------


def test_mediapipe_pose_never_downloads_and_checks_its_input(
    real: Path, camera_extra: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mediapipe.python.solutions import download_utils

    def no_network(*args: object, **kwargs: object) -> NoReturn:
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(download_utils, "download_oss_model", no_network)
    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    with MediaPipePose() as pose:
        assert isinstance(pose, PoseEstimator)
        rgb = next(read_frames(real / "squat_correct_016.mp4", limit=1))[1]
        frame = pose.estimate(rgb, 1.5)
        assert frame.t == 1.5 and frame.size == (1280, 720) and frame.found
        assert frame.image is not None and frame.image.shape == (33, 4)
        nobody = pose.estimate(np.zeros((120, 160, 3), dtype=np.uint8), 1.6)
        assert nobody.image is None and nobody.size == (160, 120)
        with pytest.raises(ValueError, match="uint8"):
            pose.estimate(rgb.astype(np.float32), 1.7)
        with pytest.raises(ValueError, match="height, width, 3"):
            pose.estimate(rgb[:, :, 0], 1.7)
    with pytest.raises(RuntimeError, match="closed"):
        pose.estimate(rgb, 2.0)


def test_missing_camera_extra_is_a_clear_user_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "mediapipe", None)  # `import mediapipe` now fails
    with pytest.raises(CameraExtraMissing) as caught:
        MediaPipePose()
    assert isinstance(caught.value, UserError) and caught.value.exit_code == 2
    assert "pip install 'crampcoach[camera]'" in str(caught.value)


def test_missing_opencv_is_the_same_clear_error_through_the_cli(
    real: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "cv2", None)
    with pytest.raises(CameraExtraMissing, match="cv2"):
        probe(real / "video.avi")
    result = run_cli("track", str(real / "video.avi"), "-o", str(tmp_path / "t.jsonl"))
    assert_one_line_error(result, 'the camera features need the "camera" extra')


# --- bad inputs ---------------------------------------------------------------------------


def test_a_photo_given_as_a_video_is_refused_as_not_a_video(real: Path) -> None:
    photo = real / "COCO_val2014_000000000241.jpg"
    with pytest.raises(VideoError, match=r"not a video \(it is a JPEG image\)"):
        track_video(photo)
    with pytest.raises(VideoError, match="not a video"):
        probe(photo)
    assert_one_line_error(run_cli("track", str(photo), "-o", "x.jsonl"), "not a video", "JPEG")


def _bad_input(kind: str, tmp_path: Path, real: Path) -> Path:
    if kind == "text":
        (tmp_path / "notes.mp4").write_text("my cramp diary\nnot a video at all\n")
        return tmp_path / "notes.mp4"
    if kind == "empty":
        (tmp_path / "empty.mp4").write_bytes(b"")
        return tmp_path / "empty.mp4"
    if kind == "missing":
        return tmp_path / "nowhere.mp4"
    if kind == "folder":
        (tmp_path / "clips.mp4").mkdir()
        return tmp_path / "clips.mp4"
    data = (real / "video.avi").read_bytes()
    if kind == "truncated":  # the header survives, most of the frames do not
        (tmp_path / "cut.avi").write_bytes(data[: len(data) // 5])
        return tmp_path / "cut.avi"
    assert kind == "header-only"
    (tmp_path / "stub.avi").write_bytes(data[:3000])
    return tmp_path / "stub.avi"


NEED_DECODER = {"truncated", "header-only"}  # the others are refused before OpenCV is loaded
BAD_INPUTS = [
    ("text", "not a video (it is a text file)"),
    ("empty", "is empty (0 bytes), not a video"),
    ("missing", "no such file"),
    ("folder", "is a folder, not a video"),
    ("truncated", "damaged or cut short: only"),
    ("header-only", "is not a video, or is damaged"),
]


@pytest.mark.parametrize(("kind", "message"), BAD_INPUTS)
def test_bad_video_files_are_user_errors_with_a_specific_message(
    kind: str, message: str, tmp_path: Path, real: Path, request: pytest.FixtureRequest
) -> None:
    if kind in NEED_DECODER:
        request.getfixturevalue("camera_extra")
    path = _bad_input(kind, tmp_path, real)
    with pytest.raises(VideoError) as caught:
        list(track_video(path))
    assert message in str(caught.value) and str(path) in str(caught.value)
    assert caught.value.exit_code == 2


@pytest.mark.parametrize(("kind", "message"), BAD_INPUTS)
def test_bad_video_files_through_the_cli_exit_2_without_a_traceback(
    kind: str, message: str, tmp_path: Path, real: Path, request: pytest.FixtureRequest
) -> None:
    if kind in NEED_DECODER:
        request.getfixturevalue("camera_extra")
    path = _bad_input(kind, tmp_path, real)
    out = tmp_path / "out" / "track.jsonl"
    out.parent.mkdir()
    assert_one_line_error(run_cli("track", str(path), "-o", str(out)), message)
    assert list(out.parent.iterdir()) == []  # nothing written, not even half a file


def test_cli_tracks_a_clip_and_prints_a_summary(
    real: Path, camera_extra: None, tmp_path: Path
) -> None:
    out = tmp_path / "squat.jsonl"
    result = run_cli("track", str(real / "squat_correct_016.mp4"), "-o", str(out))
    assert result.exit_code == 0, result.output
    summary = result.stdout.strip().splitlines()
    assert len(summary) == 1
    assert "29 frames" in summary[0] and "with a person" in summary[0] and "fps" in summary[0]
    assert "Traceback" not in result.stderr
    frames = load_frames(out)
    assert len(frames) == 29 and sum(f.found for f in frames) >= 26
    # the CLI default is the library's
    assert f"default: {DEFAULT_MAX_SIDE}" in run_cli("track", "--help").output.replace(
        "[", ""
    ).replace("]", "")


def test_cli_refuses_a_tiny_max_side_and_overwriting_the_video(real: Path, tmp_path: Path) -> None:
    result = run_cli("track", str(real / "video.avi"), "-o", "x.jsonl", "--max-side", "5")
    assert result.exit_code == 2 and "Traceback" not in result.output
    copy = tmp_path / "clip.mp4"
    shutil.copy(real / "squat_correct_016.mp4", copy)
    assert_one_line_error(run_cli("track", str(copy), "-o", str(copy)), "is the video itself")


def test_write_track_leaves_no_file_when_the_frames_fail(tmp_path: Path) -> None:
    out = tmp_path / "track.jsonl"
    out.write_text("old\n")

    def failing() -> Iterator[Frame]:
        yield Frame(0.0, None)
        raise VideoError("clip.mp4 is damaged or cut short")

    with pytest.raises(VideoError):
        write_track(failing(), out)
    assert out.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["track.jsonl"]
    with pytest.raises(UserError, match="does not exist"):
        write_track([Frame(0.0, None)], tmp_path / "no-folder" / "t.jsonl")
