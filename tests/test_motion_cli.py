"""`crampcoach analyze`: one JSON object with --json, a plot with --plot, and for every
kind of bad input one clear line and exit code 2 (never a traceback)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from conftest import CliResult
from crampcoach.fixtures.motion import generate
from crampcoach.motion.track import track_lines

# Without the camera extra a file that may be a video cannot be opened: that is said too.
VIDEO_REFUSAL = "not a video" if importlib.util.find_spec("cv2") else "camera"


def _write(path: Path, exercise: str, seed: int, **overrides: object) -> Path:
    track = generate(exercise, seed, **overrides)
    path.write_text("".join(track_lines(track.frames)), encoding="utf-8")
    return path


def _refused(ran: CliResult, *fragments: str) -> None:
    assert ran.code == 2, (ran.code, ran.out, ran.err)
    lines = ran.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("crampcoach: error: "), ran.err
    assert "Traceback" not in ran.err
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


@pytest.mark.parametrize(
    ("exercise", "keys"),
    [
        ("ankle-circles", {"circles"}),
        ("toe-points", {"reps", "range_of_motion_deg"}),
        ("toe-writing", {"letters"}),
        ("childs-pose", {"hold_s"}),
    ],
)
def test_json_is_one_object_with_the_promised_keys(
    run_cli, tmp_path: Path, exercise: str, keys: set[str]
) -> None:
    track = _write(tmp_path / "t.jsonl", exercise, seed=3, clean=True)
    ran = run_cli("analyze", str(track), "--exercise", exercise, "--json")
    assert ran.code == 0, ran.err
    (line,) = ran.out.strip().splitlines()
    result = json.loads(line)
    assert {"exercise", "duration_s", "detected", "reason"} | keys <= set(result)
    assert result["exercise"] == exercise
    assert result["detected"] is True and result["reason"] is None
    if exercise != "childs-pose":
        assert result["side"] in ("left", "right")
    if exercise == "ankle-circles":
        assert set(result["circles"]) == {"clockwise", "counterclockwise"}
    if exercise == "toe-points":
        assert set(result["range_of_motion_deg"]) == {"plantarflexion", "dorsiflexion"}


def test_the_summary_and_the_plot(run_cli, tmp_path: Path) -> None:
    track = _write(tmp_path / "circles.jsonl", "ankle-circles", seed=5, clean=True)
    plot = tmp_path / "circles.png"
    ran = run_cli("analyze", str(track), "-e", "ankle-circles", "--plot", str(plot))
    assert ran.code == 0, ran.err
    assert "clockwise" in ran.out and f"plot: {plot}" in ran.out
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_side_can_be_given(run_cli, tmp_path: Path) -> None:
    # The side given is the one analysed: the moving foot's repetitions are counted, the
    # still one's are not (an option only echoed back would count the same on both).
    truth = generate("toe-points", 2, clean=True).truth
    track = _write(tmp_path / "t.jsonl", "toe-points", seed=2, clean=True)
    reps = {}
    for side in ("left", "right"):
        ran = run_cli("analyze", str(track), "-e", "toe-points", "--side", side, "--json")
        assert ran.code == 0 and json.loads(ran.out)["side"] == side
        reps[side] = json.loads(ran.out)["reps"]
    still = "left" if truth.side == "right" else "right"
    assert abs(reps[truth.side] - truth.reps) <= 1 and reps[still] == 0, (reps, truth.reps)


def test_the_wrong_view_is_named(run_cli, tmp_path: Path) -> None:
    # Not an error: the track was read, and it does not show the exercise from its view.
    side_on = _write(tmp_path / "side.jsonl", "toe-points", seed=1, clean=True)
    ran = run_cli("analyze", str(side_on), "-e", "ankle-circles")
    assert ran.code == 0, ran.err
    (line,) = ran.out.strip().splitlines()
    assert "not detected: filmed from the side: face the camera" in line
    facing = _write(tmp_path / "front.jsonl", "ankle-circles", seed=1, clean=True)
    ran = run_cli("analyze", str(facing), "-e", "childs-pose", "--json")
    assert ran.code == 0, ran.err
    result = json.loads(ran.out)
    assert result["detected"] is False and "side-on" in result["reason"]
    assert result["hold_s"] == 0


def _frame(landmarks: int = 33, **extra: object) -> str:
    data = {"t": 0.0, "image": [[0.5, 0.5, 0.0, 0.9]] * landmarks, **extra}
    return json.dumps(data)


@pytest.mark.parametrize(
    ("name", "content", "fragments"),
    [
        ("notes.txt", b"hello, this is not a video\n", ("not a video",)),
        ("empty.jsonl", b"", ("no frames",)),
        ("empty.mp4", b"", ("empty",)),
        ("short.jsonl", _frame(landmarks=17).encode(), ("line 1", "expected 33 landmarks")),
        ("broken.jsonl", b'{"t": 0, "image": [[0.5, 0.5', ("line 1", "not JSON")),
        ("nobody.jsonl", b'{"t": 0, "image": null}\n{"t": 0.1, "image": null}\n', ("no person",)),
        ("backwards.jsonl", (_frame() + "\n" + _frame()[:-1] + "}").encode(), ()),
        ("random.avi", bytes(range(256)) * 64, (VIDEO_REFUSAL,)),
    ],
)
def test_bad_files_are_refused_in_one_line(
    run_cli, tmp_path: Path, name: str, content: bytes, fragments: tuple[str, ...]
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    ran = run_cli("analyze", str(path), "-e", "toe-points", "--json")
    if name == "backwards.jsonl":  # two frames at the same time are fine, not an error
        assert ran.code in (0, 2) and "Traceback" not in ran.err
        return
    _refused(ran, *fragments)
    assert ran.out == ""


def test_missing_paths_folders_and_unknown_exercises(run_cli, tmp_path: Path) -> None:
    _refused(run_cli("analyze", str(tmp_path / "nope.mp4"), "-e", "toe-points"), "nope.mp4")
    _refused(run_cli("analyze", str(tmp_path), "-e", "toe-points"), str(tmp_path))
    track = _write(tmp_path / "t.jsonl", "toe-points", seed=1, clean=True)
    ran = run_cli("analyze", str(track), "-e", "jumping-jacks")
    assert ran.code == 2 and "jumping-jacks" in ran.err and "Traceback" not in ran.err
