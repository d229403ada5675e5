"""The synthetic landmark-track generator: determinism, the track format, its ground truth
and its noise model."""

from __future__ import annotations

import time

import numpy as np
import pytest

from crampcoach.fixtures.motion import (
    EXERCISES,
    AnkleCirclesTruth,
    ChildsPoseTruth,
    SyntheticTrack,
    ToePointsTruth,
    ToeWritingTruth,
    generate,
    suite,
)
from crampcoach.motion.track import parse_track, track_lines

LEG = {"left": (23, 25, 27, 29, 31), "right": (24, 26, 28, 30, 32)}  # hip knee ankle heel toe


def _pixels(track: SyntheticTrack, image: np.ndarray) -> np.ndarray:
    return image[..., :2] * np.array(track.camera.size, dtype=float)


def _window(track: SyntheticTrack, interval: tuple[float, float]) -> np.ndarray:
    times = track.times
    return (times >= interval[0]) & (times <= interval[1])


def _shoelace(xy: np.ndarray) -> float:
    x, y = xy[:, 0], xy[:, 1]
    return 0.5 * float(np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y))


def _angle(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    cosine = (a * b).sum(axis=-1) / (np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1))
    return np.degrees(np.arccos(np.clip(cosine, -1.0, 1.0)))


# --- determinism and format ------------------------------------------------------------


@pytest.mark.parametrize("exercise", EXERCISES)
def test_a_seed_gives_the_same_track(exercise: str) -> None:
    a, b = generate(exercise, 11), generate(exercise, 11)
    assert a.truth == b.truth
    assert a.camera == b.camera
    assert a.noise == b.noise
    assert len(a.frames) == len(b.frames)
    for fa, fb in zip(a.frames, b.frames, strict=True):
        assert fa.t == fb.t
        assert (fa.image is None) == (fb.image is None)
        if fa.image is not None:
            assert np.array_equal(fa.image, fb.image)
            assert np.array_equal(fa.world, fb.world)
    assert generate(exercise, 12).truth != a.truth


def test_suite_is_generate_over_derived_seeds() -> None:
    tracks = list(suite("toe-points", 3, seed=2))
    assert [t.seed for t in tracks] == [20_000, 20_001, 20_002]
    assert tracks[1].truth == generate("toe-points", 20_001).truth


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown exercise"):
        generate("jumping-jacks", 1)
    with pytest.raises(TypeError, match="wobble"):
        generate("toe-points", 1, wobble=3)
    with pytest.raises(ValueError, match="letters"):
        generate("toe-writing", 1, letters="A1")


@pytest.mark.parametrize("exercise", EXERCISES)
def test_frames_are_landmark_tracks(exercise: str) -> None:
    for track in suite(exercise, 3, seed=1):
        times = track.times
        assert times[0] == 0.0
        assert np.all(np.diff(times) > 0)
        assert 14 <= len(times) / times[-1] <= 31  # 15-30 fps
        assert all(f.size == track.camera.size for f in track.frames)
        seen = [f for f in track.frames if f.image is not None]
        assert len(seen) > 0.8 * len(track.frames)
        images = np.stack([f.image for f in seen])
        worlds = np.stack([f.world for f in seen])
        assert images.shape[1:] == (33, 4)
        assert worlds.shape[1:] == (33, 3)
        assert np.isfinite(images).all() and np.isfinite(worlds).all()
        inside = ((images[..., :2] >= 0) & (images[..., :2] <= 1)).all(axis=-1)
        assert inside.mean() > 0.97
        visibility = images[..., 3]
        assert visibility.min() >= 0 and visibility.max() <= 1
        assert np.median(visibility) > 0.7
        assert not (np.abs(images[..., :2]).sum(axis=-1) == 0).any()  # no zeroed landmarks
        # World: metres, origin at the hips' centre, a whole person's extent.
        hips = (worlds[:, 23] + worlds[:, 24]) / 2
        assert np.median(np.abs(hips)) < 0.06  # jitter reaches the world landmarks too
        extent = np.ptp(worlds, axis=1).max(axis=1)
        assert 0.9 < np.median(extent) < 2.2
        # The body fills a good part of the frame.
        box = np.ptp(track.clean_image[..., :2].reshape(-1, 2), axis=0)
        assert 0.35 < box.max() <= 1.0


def test_track_lines_round_trip() -> None:
    track = generate("ankle-circles", 5)
    parsed = parse_track(track_lines(track.frames))
    assert len(parsed) == len(track.frames)
    for ours, back in zip(track.frames, parsed, strict=True):
        assert back.t == pytest.approx(ours.t, abs=1e-4)
        assert back.size == ours.size
        assert (back.image is None) == (ours.image is None)
        if ours.image is not None:
            assert back.image is not None and back.world is not None
            assert np.allclose(back.image, ours.image, atol=1e-5)
            assert np.allclose(back.world, ours.world, atol=1e-5)
    assert list(track.lines()) == list(track_lines(track.frames))


def test_a_long_track_is_quick_to_make() -> None:
    start = time.perf_counter()
    track = generate("childs-pose", 3, fps=30, hold_s=45)
    spent = time.perf_counter() - start
    assert track.times[-1] > 50
    assert spent < 1.0  # typically ~0.03 s; generous for a busy machine


# --- ankle circles -----------------------------------------------------------------------


@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize("yaw", [0.0, -30.0, 30.0])
def test_clockwise_circles_turn_counterclockwise_in_the_raw_image(side: str, yaw: float) -> None:
    """ARCHITECTURE.md: the person's clockwise (toes up, to their right, down, to their left)
    is counterclockwise in the raw image of a camera facing them."""
    track = generate("ankle-circles", 3, clean=True, side=side, yaw_deg=yaw)
    truth = track.truth
    assert isinstance(truth, AnkleCirclesTruth)
    assert truth.side == side
    toe = LEG[side][4]
    pixels = _pixels(track, np.stack([f.image for f in track.frames]))[:, toe]
    for interval, sign in ((truth.clockwise_interval, 1), (truth.counterclockwise_interval, -1)):
        path = pixels[_window(track, interval)]
        # y grows downward: counterclockwise on screen has a negative shoelace area here ...
        assert sign * _shoelace(path) < 0
        # ... and its angle with y turned up, atan2(-(y - cy), x - cx), keeps increasing.
        centre = path.mean(axis=0)
        turning = np.unwrap(np.arctan2(-(path[:, 1] - centre[1]), path[:, 0] - centre[0]))
        assert sign * (turning[-1] - turning[0]) > 2 * np.pi * 2


def test_circle_direction_holds_for_the_drawn_cameras() -> None:
    for track in suite("ankle-circles", 8, seed=4):
        truth = track.truth
        assert isinstance(truth, AnkleCirclesTruth)
        assert abs(track.camera.yaw_deg) <= 30
        toe = _pixels(track, track.clean_image)[:, LEG[truth.side][4]]
        assert _shoelace(toe[_window(track, truth.clockwise_interval)]) < 0
        assert _shoelace(toe[_window(track, truth.counterclockwise_interval)]) > 0


def test_ankle_circle_truth() -> None:
    for track in suite("ankle-circles", 12, seed=5):
        truth = track.truth
        assert isinstance(truth, AnkleCirclesTruth)
        assert 3 <= truth.clockwise <= 14 and 3 <= truth.counterclockwise <= 14
        assert 0 <= truth.clockwise_partial <= 0.6 and 0 <= truth.counterclockwise_partial <= 0.6
        assert 3 <= truth.radius_cm <= 8
        assert 0.45 <= truth.seconds_per_circle <= 1.6
        cw, ccw = truth.clockwise_interval, truth.counterclockwise_interval
        assert 2 < cw[0] < cw[1] < ccw[0] < ccw[1] < track.times[-1] - 2
        assert 1 <= ccw[0] - cw[1] <= 4
        assert truth.as_dict()["clockwise_interval"] == list(cw)
    fixed = generate("ankle-circles", 1, clockwise=5, counterclockwise=7, partial=False)
    assert isinstance(fixed.truth, AnkleCirclesTruth)
    assert (fixed.truth.clockwise, fixed.truth.counterclockwise) == (5, 7)
    assert fixed.truth.clockwise_partial == fixed.truth.counterclockwise_partial == 0


def test_the_exercising_foot_is_lifted_and_the_other_still() -> None:
    track = generate("ankle-circles", 8, clean=True)
    truth = track.truth
    assert isinstance(truth, AnkleCirclesTruth)
    moving, still = LEG[truth.side][4], LEG["left" if truth.side == "right" else "right"][4]
    world = track.clean_world
    during = _window(track, truth.clockwise_interval)
    assert world[during, moving, 1].max() < world[during, still, 1].min() - 0.01  # y down
    assert np.ptp(world[during, moving], axis=0)[:2].max() > 0.05
    assert np.ptp(world[during, still] - world[during, 23], axis=0).max() < 0.03


# --- toe points ------------------------------------------------------------------------


@pytest.mark.parametrize("posture", ["sitting", "standing", "lying"])
@pytest.mark.parametrize("yaw", [90.0, -90.0])
def test_a_clean_side_view_shows_the_true_ankle_angle(posture: str, yaw: float) -> None:
    track = generate("toe-points", 4, clean=True, posture=posture, yaw_deg=yaw, fps=30)
    truth = track.truth
    assert isinstance(truth, ToePointsTruth)
    assert truth.posture == posture
    assert truth.far_leg == (track.camera.near_side != truth.side)
    _hip, knee, ankle, heel, toe = LEG[truth.side]
    px = _pixels(track, np.stack([f.image for f in track.frames]))
    theta = _angle(px[:, ankle] - px[:, knee], px[:, toe] - px[:, heel])
    assert len(truth.rep_intervals) == truth.reps == len(truth.plantarflexion_deg)
    for interval, point, flex in zip(
        truth.rep_intervals, truth.plantarflexion_deg, truth.dorsiflexion_deg, strict=True
    ):
        rep = theta[_window(track, interval)]
        assert 90 - rep.min() == pytest.approx(point, abs=2)
        assert rep.max() - 90 == pytest.approx(flex, abs=2)


def test_toe_point_truth_is_the_true_3d_angle() -> None:
    for track in suite("toe-points", 6, seed=6):
        truth = track.truth
        assert isinstance(truth, ToePointsTruth)
        assert 60 <= abs(track.camera.yaw_deg) <= 120
        assert 6 <= truth.reps <= 14
        assert all(25 <= p <= 50 for p in truth.plantarflexion_deg)
        assert all(10 <= d <= 25 for d in truth.dorsiflexion_deg)
        assert truth.peak_plantarflexion_deg == pytest.approx(np.mean(truth.plantarflexion_deg))
        assert truth.max_plantarflexion_deg == max(truth.plantarflexion_deg)
        assert truth.peak_dorsiflexion_deg == pytest.approx(np.mean(truth.dorsiflexion_deg))
        assert truth.max_dorsiflexion_deg == max(truth.dorsiflexion_deg)
        _hip, knee, ankle, heel, toe = LEG[truth.side]
        w = track.clean_world
        theta = _angle(w[:, ankle] - w[:, knee], w[:, toe] - w[:, heel])
        for (start, end), point, flex in zip(
            truth.rep_intervals, truth.plantarflexion_deg, truth.dorsiflexion_deg, strict=True
        ):
            assert 1.5 <= end - start <= 4.0
            rep = theta[_window(track, (start, end))]
            assert 90 - rep.min() == pytest.approx(point, abs=1.5)
            assert rep.max() - 90 == pytest.approx(flex, abs=1.5)


# --- toe writing -----------------------------------------------------------------------


def test_toe_writing_truth_and_letter_sizes() -> None:
    track = generate("toe-writing", 6, letters="ALC", clean=True, fps=30)
    truth = track.truth
    assert isinstance(truth, ToeWritingTruth)
    assert [x.letter for x in truth.letters] == ["A", "L", "C"]
    assert truth.prompts == tuple((x.letter, x.prompt_t) for x in truth.letters)
    for before, after in zip(truth.letters, truth.letters[1:], strict=False):
        assert 0.3 <= after.start_t - before.end_t <= 1.5
        assert before.end_t <= after.prompt_t <= after.start_t
    hip, _knee, _ankle, _heel, toe = LEG[truth.side]
    # The toe relative to its own hip, in metres: x toward the person's left, y down.
    path = track.clean_world[:, toe] - track.clean_world[:, hip]
    for k, letter in enumerate(truth.letters):
        assert letter.prompt_t < letter.start_t < letter.end_t
        assert 1.5 <= letter.end_t - letter.start_t <= 4.0
        assert 8 <= letter.height_cm <= 20 and letter.width_cm > 2
        span = np.ptp(path[_window(track, (letter.start_t, letter.end_t))], axis=0) * 100
        if k == 0:  # starts from rest, inside its own box: the path is just the letter
            assert span[0] == pytest.approx(letter.width_cm, abs=0.5)
            assert span[1] == pytest.approx(letter.height_cm, abs=0.5)
        assert span[0] >= letter.width_cm - 0.5 and span[1] >= letter.height_cm - 0.5
    # Letters read right for the person, so mirrored in the raw image: L's last stroke goes
    # to the person's right, which is to the left in the image of a camera facing them.
    ell = truth.letters[1]
    xs = _pixels(track, track.clean_image)[_window(track, (ell.start_t, ell.end_t)), toe, 0]
    tail = xs[int(len(xs) * 0.75) :]
    assert tail[-1] < tail[0]


def test_toe_still_between_letters() -> None:
    track = generate("toe-writing", 2, letters="HI", clean=True)
    truth = track.truth
    assert isinstance(truth, ToeWritingTruth)
    toe = LEG[truth.side][4]
    world = track.clean_world[:, toe] - track.clean_world[:, LEG[truth.side][0]]
    speed = np.linalg.norm(np.diff(world, axis=0), axis=1) / np.diff(track.times)
    first, second = truth.letters
    writing = _window(track, (first.start_t, first.end_t))[1:]
    pause = _window(track, (first.end_t + 0.05, second.start_t - 0.05))[1:]
    assert speed[writing].mean() > 5 * speed[pause].mean()


# --- child's pose ----------------------------------------------------------------------


def test_childs_pose_hold_is_the_sum_of_its_intervals() -> None:
    tracks = [*suite("childs-pose", 6, seed=7), generate("childs-pose", 3, interruption=True)]
    for track in tracks:
        truth = track.truth
        assert isinstance(truth, ChildsPoseTruth)
        assert truth.hold_s == pytest.approx(sum(b - a for a, b in truth.hold_intervals))
        assert 10 <= truth.hold_s <= 70
        assert 6 <= truth.breaths_per_min <= 20
        assert 2 <= truth.enter_interval[1] - truth.enter_interval[0] <= 5
        assert 2 <= truth.exit_interval[1] - truth.exit_interval[0] <= 5
        edges = [truth.enter_interval[1]]
        for (a, b), gap in zip(truth.hold_intervals, [*truth.interruptions, None], strict=True):
            assert a == pytest.approx(edges[-1]) and b > a
            edges.append(b)
            if gap is not None:
                assert gap[0] == pytest.approx(b) and 2 <= gap[1] - gap[0] <= 5
                edges.append(gap[1])
        assert truth.exit_interval[0] == pytest.approx(edges[-1])
        assert len(truth.hold_intervals) == len(truth.interruptions) + 1
        assert 60 <= abs(track.camera.yaw_deg) <= 120
    assert tracks[-1].truth.interruptions  # type: ignore[union-attr]


def test_childs_pose_is_down_in_the_hold_and_up_outside() -> None:
    track = generate("childs-pose", 4, clean=True, start="kneeling", interruption=True)
    truth = track.truth
    assert isinstance(truth, ChildsPoseTruth)
    nose = track.clean_world[:, 0, 1]  # metres below the hips' centre (camera level)
    for interval in truth.hold_intervals:
        assert nose[_window(track, interval)].min() > 0.0  # head below the hips
    assert nose[track.times < 1.0].max() < -0.4  # kneeling upright
    ((a, b),) = truth.interruptions
    middle = _window(track, ((a + b) / 2 - 0.3, (a + b) / 2 + 0.3))
    assert nose[middle].mean() < nose[_window(track, truth.hold_intervals[0])].mean() - 0.1


def test_childs_pose_breathing_rate() -> None:
    track = generate(
        "childs-pose",
        5,
        clean=True,
        hold_s=60,
        interruption=False,
        breaths_per_min=12,
        breath_rise_cm=1.2,
        fps=30,
    )
    truth = track.truth
    assert isinstance(truth, ChildsPoseTruth)
    assert truth.breaths_per_min == pytest.approx(12, rel=0.1)
    held = _window(track, truth.hold_intervals[0])
    shoulders = track.clean_world[held][:, [11, 12], 1].mean(axis=1)
    wave = shoulders - np.convolve(shoulders, np.ones(61) / 61, mode="same")
    wave = wave[40:-40]
    assert 0.3 < np.ptp(wave) * 100 < 2.0  # centimetres
    rises = np.sum((wave[:-1] < 0) & (wave[1:] >= 0))
    minutes = len(wave) / 30 / 60
    assert rises / minutes == pytest.approx(truth.breaths_per_min, rel=0.2)


# --- the pose model's faults ---------------------------------------------------------------


def test_lost_frames_and_outliers_come_at_the_asked_rates() -> None:
    track = generate(
        "childs-pose",
        9,
        hold_s=60,
        fps=30,
        noise_px=0,
        dropout_rate=0.05,
        dropout_runs_per_min=0,
        lead_gap_s=0,
        outlier_rate=0.03,
        low_visibility_per_min=0,
    )
    n = len(track.frames)
    lost = [i for i, f in enumerate(track.frames) if f.image is None]
    assert tuple(lost) == track.noise.dropped
    assert len(lost) / n == pytest.approx(0.05, abs=0.015)
    outliers = track.noise.outliers
    assert len(outliers) / (n - len(lost)) == pytest.approx(0.03, abs=0.012)
    thrown = np.zeros((n, 33), dtype=bool)
    for i, mark, pixels in outliers:
        frame = track.frames[i]
        assert frame.image is not None
        moved = _pixels(track, frame.image[mark] - track.clean_image[i, mark])
        assert np.linalg.norm(moved) == pytest.approx(pixels, abs=1e-6)
        assert 30 <= pixels <= 150
        thrown[i, mark] = True
    for i, frame in enumerate(track.frames):
        if frame.image is not None:  # no jitter asked: everything else is exact
            same = np.isclose(frame.image[:, :2], track.clean_image[i, :, :2]).all(axis=1)
            assert np.array_equal(~same, thrown[i])


def test_runs_of_lost_frames() -> None:
    track = generate("toe-points", 2, dropout_rate=0, dropout_runs_per_min=6, lead_gap_s=0, reps=14)
    lost = np.array([f.image is None for f in track.frames])
    edges = np.flatnonzero(np.diff(np.concatenate([[0], lost.astype(int), [0]])))
    runs = edges[1::2] - edges[::2]
    assert len(runs) >= 1
    assert runs.min() >= 3


def test_noisy_tracks_jitter_lose_frames_and_fade() -> None:
    totals = {"lost": 0, "outliers": 0, "faded": 0}
    for exercise in EXERCISES:
        for track in suite(exercise, 3, seed=8):
            noise = track.noise
            box = np.ptp(_pixels(track, track.clean_image), axis=1).max(axis=1)
            assert 1 <= noise.noise_px * 480 / float(np.median(box)) <= 15  # 1-6 px at 480 px
            totals["lost"] += len(noise.dropped)
            totals["outliers"] += len(noise.outliers)
            totals["faded"] += len(noise.low_visibility)
            seen = [i for i, f in enumerate(track.frames) if f.image is not None]
            image = np.stack([track.frames[i].image for i in seen])
            error = _pixels(track, image - track.clean_image[seen])
            spread = np.median(np.abs(error[:, :23])) / 0.6745  # robust standard deviation
            assert 0.5 * noise.noise_px < spread < 2.5 * noise.noise_px
            for mark, first, last in noise.low_visibility:
                frames = [i for i in range(first, last + 1) if track.frames[i].image is not None]
                if frames:
                    middle = frames[len(frames) // 2]
                    assert track.frames[middle].image[mark, 3] < 0.5  # type: ignore[index]
    assert all(v > 0 for v in totals.values()), totals


def test_a_clean_track_is_exact() -> None:
    track = generate("toe-points", 3, clean=True)
    assert track.camera.yaw_deg in (90.0, -90.0)
    assert track.camera.pitch_deg == 0 and track.camera.roll_deg == 0
    assert track.noise.dropped == () and track.noise.outliers == ()
    steps = np.diff(track.times)
    assert np.allclose(steps, 1 / track.camera.fps)
    image = np.stack([f.image for f in track.frames])
    assert np.array_equal(image, track.clean_image)
    # the same person, movement and frame times as the noisy track of the seed
    noisy = generate("toe-points", 3, yaw_deg=track.camera.yaw_deg, pitch_deg=0, roll_deg=0)
    assert noisy.truth == track.truth
