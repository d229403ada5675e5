"""Every analyser says whether the track showed its exercise at all (`detected`).

- Real footage of other activities (../shared/data/real/: walking, jumping jacks, a squat,
  a plank), tracked once per session with the real pose model: no exercise is found in
  it, neither in the result nor by the motion alone. Skipped with the reason when the
  footage or the camera extra is absent; under CI (`CI` set) that is a failure instead.
- The package's own generated tracks of each exercise (noisy ones included): found.
- A track of one exercise analysed as another: not found where that is reliable (the
  benchmark measures every pair, `benchmarks/bench_motion.py`).
- Each mechanism on a track changed by hand to need it: the rest of the body moving, the
  knee bending with the ankle, circles instead of letters, a short hold, hidden feet.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from crampcoach.fixtures.motion import generate
from crampcoach.motion.landmarks import LEFT_HIP, LEFT_KNEE, RIGHT_HIP, RIGHT_TOE, leg
from crampcoach.motion.registry import EXERCISES, analyse, make_analyser
from crampcoach.motion.stillness import BodyTrack
from crampcoach.motion.track import Frame, parse_track, track_lines
from crampcoach.motion.turning import turning_runs
from crampcoach.motion.view import EARLY_S, WrongView, refuse_wrong_view, view_of
from unavailable import unavailable

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "real"
VIDEOS = {
    "walking": "video.avi",
    "jumping jacks": "jumpingjack_correct_001.mp4",
    "squat": "squat_correct_016.mp4",
    "plank": "plank_correct_001.mp4",
}
KNEES_TO_TOES = list(range(LEFT_KNEE, RIGHT_TOE + 1))  # both legs' knees, ankles, heels, toes
COUNTS = {  # what a result counts, by exercise: all 0 (or None) when not detected
    "ankle-circles": lambda r: sum(r["circles"].values()) + len(r["events"]),
    "toe-points": lambda r: r["reps"] + len(r["events"]),
    "toe-writing": lambda r: r["letters_moved"],
    "childs-pose": lambda r: r["hold_s"] + len(r["holds"]) + r["longest_hold_s"],
}


@pytest.fixture(scope="session")
def real_tracks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Frame]]:
    """The four videos tracked once with the real pose model (cached as track files)."""
    if not DATA.is_dir():
        unavailable(f"real footage not found at {DATA.resolve()} (see shared/data/README.md)")
    for module in ("mediapipe", "cv2"):
        try:
            __import__(module)
        except ImportError as exc:
            unavailable(f"{module} is not importable ({exc}): pip install 'crampcoach[camera]'")
    from crampcoach.pose import track_video, write_track

    cache = tmp_path_factory.mktemp("real-tracks")
    tracks = {}
    for name, file in VIDEOS.items():
        path = cache / f"{Path(file).stem}.jsonl"
        write_track(track_video(DATA / file), path)
        tracks[name] = parse_track(path.read_text(encoding="utf-8").splitlines(), file)
    return tracks


def _run(frames: list[Frame], exercise: str, **options: Any) -> tuple[dict[str, Any], Any]:
    """The result, and the analyser (for its judgement of the motion alone)."""
    analyser = make_analyser(exercise, **options)
    for frame in frames:
        analyser.update(frame)
    return analyser.result(), analyser


# -- real footage of other activities ---------------------------------------------------
@pytest.mark.parametrize("exercise", EXERCISES)
@pytest.mark.parametrize("activity", VIDEOS)
def test_other_activities_are_not_taken_for_an_exercise(
    real_tracks: dict[str, list[Frame]], activity: str, exercise: str
) -> None:
    # None of these shows an exercise: a plank keeps the knees straight and the torso
    # level (child's pose folds both), a squat keeps the torso up, and walking and jumping
    # move the body with the feet.
    result, analyser = _run(real_tracks[activity], exercise)
    assert result["detected"] is False, result
    assert result["reason"], result
    assert not COUNTS[exercise](result), result
    # Not only the view: the motion alone says so too.
    motion = analyser.detect()
    assert motion.detected is False, (activity, exercise, motion)


def test_analyse_on_the_walking_video_finds_no_toe_points(
    real_tracks: dict[str, list[Frame]], run_cli
) -> None:
    ran = run_cli("analyze", str(DATA / "video.avi"), "--exercise", "toe-points", "--json")
    assert ran.code == 0, ran.err
    result = json.loads(ran.out)
    assert result["detected"] is False
    assert result["reason"]
    assert result["reps"] == 0 and result["events"] == []
    assert result["range_of_motion_deg"] == {"plantarflexion": None, "dorsiflexion": None}


def test_a_video_of_the_wrong_view_is_refused_in_its_first_seconds(run_cli) -> None:
    # The jumping jacks face the camera; toe points are filmed from the side.
    ran = run_cli("analyze", str(DATA / "jumpingjack_correct_001.mp4"), "-e", "toe-points")
    assert ran.code == 2
    assert "the first 4 s show the person facing the camera" in ran.err
    assert "nothing was analysed" in ran.err


@pytest.mark.parametrize(("shown", "wanted"), [("childs-pose", "front"), ("toe-writing", "side")])
def test_the_wrong_view_stops_the_frames_after_its_first_seconds(shown: str, wanted: str) -> None:
    frames = generate(shown, 5).frames
    passed: list[Frame] = []
    with pytest.raises(WrongView):
        for frame in refuse_wrong_view(iter(frames), wanted):  # type: ignore[arg-type]
            passed.append(frame)
    first_seen = next(f.t for f in passed if view_of(f) is not None)
    assert EARLY_S <= passed[-1].t - first_seen < EARLY_S + 0.2
    assert len(passed) < len(frames) / 2


@pytest.mark.parametrize("exercise", EXERCISES)
def test_the_right_view_passes_every_frame(exercise: str) -> None:
    frames = generate(exercise, 5).frames
    wanted = make_analyser(exercise).view
    assert list(refuse_wrong_view(iter(frames), wanted)) == frames


def test_walking_is_told_from_toe_writing_by_the_body_moving(
    real_tracks: dict[str, list[Frame]],
) -> None:
    # Filmed from the front, as toe writing is: the toe moves for long enough, but the
    # other foot swings under the hips.
    result, _ = _run(real_tracks["walking"], "toe-writing")
    assert "body moved" in result["reason"], result
    assert result["evidence"]["body_movement"] > 0.3


# -- the package's own tracks of each exercise --------------------------------------------
SEEDS = {
    "ankle-circles": range(300, 310),
    "toe-points": range(300, 316),
    "toe-writing": range(300, 306),
    "childs-pose": range(300, 312),
}


@pytest.mark.parametrize(
    ("exercise", "seed"), [(e, s) for e, seeds in SEEDS.items() for s in seeds]
)
def test_every_generated_track_of_an_exercise_is_detected(exercise: str, seed: int) -> None:
    track = generate(exercise, seed)
    prompts = track.truth.prompts if exercise == "toe-writing" and seed % 2 else None
    result = analyse(track.frames, exercise, prompts=prompts).result
    assert result["detected"] is True, result
    assert result["reason"] is None
    assert COUNTS[exercise](result) > 0


@pytest.mark.parametrize("exercise", EXERCISES)
def test_clean_tracks_are_detected(exercise: str) -> None:
    result = analyse(generate(exercise, 3, clean=True).frames, exercise).result
    assert result["detected"] is True, result


# -- one exercise analysed as another ----------------------------------------------------
@pytest.mark.parametrize(
    ("shown", "analysed"),
    [
        ("toe-writing", "ankle-circles"),  # letters have curves, not circle after circle
        ("ankle-circles", "toe-writing"),  # circle after circle is not letters
        ("toe-points", "childs-pose"),  # sitting, standing or lying is not kneeling folded
        ("childs-pose", "toe-points"),  # kneeling down bends the knee with the ankle
    ],
)
def test_one_exercise_is_not_taken_for_another(shown: str, analysed: str) -> None:
    shorter = {"letters": "ABCDEFGHIJ"} if shown == "toe-writing" else {}
    for seed in range(400, 403):
        track = generate(shown, seed, **shorter)
        result, analyser = _run(track.frames, analysed)
        assert result["detected"] is False, (seed, result)
        assert analyser.detect().detected is False, (seed, result)


# -- each mechanism, on a track changed by hand to need it --------------------------------
def _swing_other_foot(frames: list[Frame], side: str, metres: float = 0.25) -> list[Frame]:
    """The other leg's knee, ankle, heel and toe swung to and fro under the hips at 1 Hz,
    as in walking (image and world)."""
    other = "left" if side == "right" else "right"
    _hip, knee, ankle, heel, toe, _shoulder = leg(other)  # type: ignore[arg-type]
    points = [knee, ankle, heel, toe]
    changed = []
    for frame in frames:
        if frame.image is None or frame.world is None:
            changed.append(frame)
            continue
        shift = metres * math.sin(2 * math.pi * frame.t)
        world = frame.world.copy()
        world[points, 0] += shift
        image = frame.image.copy()
        hips = np.linalg.norm(frame.world[LEFT_HIP] - frame.world[RIGHT_HIP])
        per_metre = np.linalg.norm(image[LEFT_HIP, :2] - image[RIGHT_HIP, :2]) / max(hips, 1e-6)
        image[points, 0] += shift * per_metre
        changed.append(replace(frame, image=image, world=world))
    return changed


def test_the_body_moving_with_the_foot_is_not_toe_writing() -> None:
    track = generate("toe-writing", 11, clean=True, letters="ABCDEF")
    still, _ = _run(track.frames, "toe-writing", side=track.truth.side)
    assert still["detected"] is True, still
    assert still["evidence"]["body_movement"] < 0.05
    moved, _ = _run(_swing_other_foot(track.frames, track.truth.side), "toe-writing")
    assert moved["detected"] is False
    assert "body moved" in moved["reason"], moved
    assert moved["letters_moved"] == 0


def test_the_body_moving_with_the_foot_is_not_ankle_circles() -> None:
    track = generate("ankle-circles", 12, clean=True, clockwise=4, counterclockwise=4)
    side = track.truth.side
    still, _ = _run(track.frames, "ankle-circles", side=side)
    assert still["detected"] is True, still
    moved, _ = _run(_swing_other_foot(track.frames, side), "ankle-circles", side=side)
    assert moved["detected"] is False
    assert "body moved" in moved["reason"], moved
    assert moved["circles"] == {"clockwise": 0, "counterclockwise": 0}


def _bend_knee_with_ankle(frames: list[Frame], side: str) -> list[Frame]:
    """The thigh turned about the knee by as much as the foot turns about the ankle, so
    the knee's angle changes with the ankle's (as in a step or a squat)."""
    hip_i, knee_i, _ankle, heel_i, toe_i, _ = leg(side)  # type: ignore[arg-type]

    def foot_angle(p: np.ndarray) -> float:
        return math.atan2(p[toe_i, 1] - p[heel_i, 1], p[toe_i, 0] - p[heel_i, 0])

    rest = float(np.median([foot_angle(f.world) for f in frames if f.world is not None]))
    changed = []
    for frame in frames:
        if frame.image is None or frame.world is None:
            changed.append(frame)
            continue
        turn = foot_angle(frame.world) - rest
        rotate = np.array([[math.cos(turn), -math.sin(turn)], [math.sin(turn), math.cos(turn)]])
        world, image = frame.world.copy(), frame.image.copy()
        for points in (world, image):
            points[hip_i, :2] = points[knee_i, :2] + rotate @ (
                points[hip_i, :2] - points[knee_i, :2]
            )
        changed.append(replace(frame, image=image, world=world))
    return changed


def test_a_knee_bending_with_the_ankle_is_not_toe_points() -> None:
    track = generate("toe-points", 13, clean=True, posture="sitting")
    side = track.truth.side
    still, _ = _run(track.frames, "toe-points", side=side)
    assert still["detected"] is True, still
    assert still["evidence"]["knee_share"] < 0.2
    bent, _ = _run(_bend_knee_with_ankle(track.frames, side), "toe-points", side=side)
    assert bent["detected"] is False, bent["evidence"]
    assert "knee bent" in bent["reason"]
    assert bent["reps"] == 0


def test_circles_are_not_letters() -> None:
    track = generate("ankle-circles", 14, clean=True)
    result, _ = _run(track.frames, "toe-writing", side=track.truth.side)
    assert result["detected"] is False
    assert "circles" in result["reason"], result


def test_a_short_pass_through_childs_pose_is_not_a_hold() -> None:
    held, _ = _run(generate("childs-pose", 15, clean=True, hold_s=12).frames, "childs-pose")
    assert held["detected"] is True and held["hold_s"] > 8
    brief, _ = _run(generate("childs-pose", 15, clean=True, hold_s=3).frames, "childs-pose")
    assert brief["detected"] is False
    assert brief["reason"] == "no held child's pose seen"
    assert brief["evidence"]["longest_hold_s"] > 1.5  # it was in the pose, briefly
    assert brief["hold_s"] == 0 and brief["holds"] == []


def test_hidden_feet_and_the_wrong_view_are_the_reason() -> None:
    frames = generate("toe-points", 16, clean=True).frames
    hidden = []
    for i, frame in enumerate(frames):
        if frame.image is not None and i % 5:  # the feet hidden in 4 frames of 5
            image = frame.image.copy()
            image[KNEES_TO_TOES, 3] = 0.0
            frame = replace(frame, image=image)
        hidden.append(frame)
    result = analyse(hidden, "toe-points").result
    assert result["detected"] is False
    assert result["reason"].startswith("the feet are not visible: seen in ")
    side_on = analyse(frames, "ankle-circles").result
    assert side_on["detected"] is False
    assert side_on["reason"].startswith("filmed from the side: face the camera")


def test_steady_turning_is_found_in_circles_only() -> None:
    t = np.arange(0, 12, 1 / 30)
    on = (t > 2) & (t < 10)  # 8 s of circles at 0.8 a second: 6.4 turns
    phase = 2 * math.pi * 0.8 * (t - 2)
    circle = np.column_stack([np.cos(phase), -np.sin(phase)]) * on[:, None]  # clockwise
    runs = turning_runs(t, circle, min_share=0.7, window_circles=0.5, min_size=0.05)
    assert len(runs) == 1 and 5.5 <= runs[0].turns <= 7.0, runs
    back = turning_runs(t, circle * [1, -1], min_share=0.7, window_circles=0.5, min_size=0.05)
    assert len(back) == 1 and -7.0 <= back[0].turns <= -5.5, back
    line = np.column_stack([np.cos(phase), np.zeros_like(t)]) * on[:, None]  # to and fro
    assert turning_runs(t, line, min_share=0.7, window_circles=0.5, min_size=0.05) == []
    # Jitter alone, smoothed, looks like quick turning now and then: it must stand well
    # above what the jitter leaves to count (without that, runs of 1 to 4 turns appear).
    long = np.arange(0, 30, 1 / 30)
    for seed in range(6):
        jitter = np.random.default_rng(seed).normal(0, 1.0, size=(len(long), 2))
        assert turning_runs(long, jitter, min_share=0.7, window_circles=0.5, min_size=0.05) == []
    # A circle with jitter half its radius still turns steadily.
    noisy = circle + np.random.default_rng(0).normal(0, 0.5, size=circle.shape)
    runs = turning_runs(t, noisy, min_share=0.7, window_circles=0.5, min_size=0.05)
    assert max(abs(r.turns) for r in runs) >= 5, runs


def test_body_movement_is_the_other_foot_about_the_hips() -> None:
    track = generate("ankle-circles", 17, clean=True)
    for frames, low, high in (
        (track.frames, 0.0, 0.05),
        (_swing_other_foot(track.frames, track.truth.side), 0.3, 2.0),
    ):
        body = BodyTrack()
        for frame in frames:
            body.update(frame)
        moved = body.body_movement(track.truth.side, [(0.0, frames[-1].t)])
        assert moved is not None and low <= moved <= high, moved
    assert BodyTrack().body_movement("left", [(0.0, 1.0)]) is None


# -- what the person reads ------------------------------------------------------------------
def test_the_summary_says_not_detected_in_one_line(run_cli, tmp_path: Path) -> None:
    first = generate("toe-points", 18, clean=True).frames[0]
    still = [replace(first, t=i / 30) for i in range(300)]  # 10 s of a person sitting still
    path = tmp_path / "still.jsonl"
    path.write_text("".join(track_lines(still)), encoding="utf-8")
    ran = run_cli("analyze", str(path), "-e", "toe-points")
    assert ran.code == 0, ran.err
    assert ran.out.strip().splitlines() == [
        "toe-points: 10.0 s analysed: not detected: "
        "no toe points seen: the foot did not point and flex"
    ]
    ran = run_cli("analyze", str(path), "-e", "toe-points", "--json")
    result = json.loads(ran.out)
    assert result["detected"] is False and result["reps"] == 0
