"""Sets of circles found on plain toe paths drawn here (no body, no camera): the count of
`crampcoach.motion.circle_counter` in isolation."""

from __future__ import annotations

import numpy as np
import pytest

from crampcoach.motion.circle_counter import circle_sets
from crampcoach.motion.circle_sets import CircleParams


def _path(
    turns: float,
    *,
    hz: float = 1.0,
    way: int = 1,
    fps: float = 30.0,
    rest_s: float = 2.0,
    ratio: float = 1.0,
    tilt: float = 0.0,
    drift: float = 0.0,
    noise: float = 0.0,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """A toe at rest, then `turns` circles (way +1: the person's clockwise, which is the
    image angle atan2(-y, x) increasing), then at rest; radius 1, image units."""
    rng = np.random.default_rng(seed)
    busy = turns / hz
    t = np.arange(0.0, 2 * rest_s + busy, 1.0 / fps)
    phase = 2 * np.pi * hz * np.clip(t - rest_s, 0.0, busy)
    on = ((t > rest_s) & (t < rest_s + busy)).astype(float)
    u, v = np.cos(phase), ratio * np.sin(phase)
    x = u * np.cos(tilt) - v * np.sin(tilt)
    y = u * np.sin(tilt) + v * np.cos(tilt)
    points = np.column_stack([x * on + drift * t, -way * y * on])
    return t, points + rng.normal(0.0, noise, points.shape)


def _counts(t: np.ndarray, points: np.ndarray) -> dict[str, int]:
    got = {"clockwise": 0, "counterclockwise": 0}
    for found in circle_sets(t, points):
        got[found.direction] += found.full_circles
    return got


@pytest.mark.parametrize("turns", [3, 7, 12])
@pytest.mark.parametrize("way", [1, -1])
def test_whole_circles_are_counted_in_their_direction(turns: int, way: int) -> None:
    got = _counts(*_path(turns, way=way))
    name = "clockwise" if way > 0 else "counterclockwise"
    assert got[name] == turns
    assert sum(got.values()) == turns


@pytest.mark.parametrize("partial", [0.3, 0.6])
def test_an_unfinished_last_circle_is_not_counted(partial: float) -> None:
    assert _counts(*_path(6 + partial))["clockwise"] == 6


def test_an_ellipse_seen_at_an_angle_counts_like_a_circle() -> None:
    assert _counts(*_path(8, ratio=0.35, tilt=0.7, way=-1))["counterclockwise"] == 8


def test_jitter_drift_and_lost_frames_do_not_change_the_count() -> None:
    t, points = _path(10, hz=1.3, noise=0.3, drift=0.05, fps=20.0, seed=3)
    keep = np.ones(len(t), dtype=bool)
    keep[100:108] = False  # 0.4 s lost mid-set
    keep[np.random.default_rng(9).choice(len(t), len(t) // 40, replace=False)] = False
    assert _counts(t[keep], points[keep])["clockwise"] == 10


def test_a_line_or_a_still_toe_is_not_circling() -> None:
    t = np.arange(0.0, 12.0, 1 / 30)
    line = np.column_stack([np.sin(2 * np.pi * t), 0.2 * np.sin(2 * np.pi * t)])
    assert _counts(t, line) == {"clockwise": 0, "counterclockwise": 0}
    still = np.random.default_rng(1).normal(0.0, 0.01, (len(t), 2))
    assert _counts(t, still) == {"clockwise": 0, "counterclockwise": 0}


def test_both_directions_in_one_path() -> None:
    t1, p1 = _path(9, way=1)
    t2, p2 = _path(5, way=-1, hz=0.8)
    t = np.concatenate([t1, t1[-1] + 1 / 30 + t2])
    got = _counts(t, np.concatenate([p1, p2]))
    assert got == {"clockwise": 9, "counterclockwise": 5}


def test_each_counted_circle_has_its_time() -> None:
    (found,) = circle_sets(*_path(4, hz=0.5))
    ends = np.array(found.circle_ends)
    assert len(ends) == 4
    assert np.all(np.diff(ends) == pytest.approx(2.0, abs=0.3))  # one circle each 2 s
    assert found.start_t < ends[0] and ends[-1] <= found.end_t


def test_count_full_keeps_a_small_slack() -> None:
    count_full = CircleParams().count_full
    assert count_full(2.9) == 3
    assert count_full(2.6) == 2
    assert count_full(-1.0) == 0


def test_a_flat_ellipse_is_counted() -> None:
    # A circle seen from a high camera with the leg helping the toe up and down looks like
    # an ellipse five times as long as it is wide; its way shows only over the whole set.
    t, points = _path(10, ratio=0.2, tilt=0.3, noise=0.15, seed=4)
    assert _counts(t, points) == {"clockwise": 10, "counterclockwise": 0}


@pytest.mark.parametrize("seed", [4, 8])
def test_a_line_as_large_at_the_same_rate_is_not_circling(seed: int) -> None:
    # Needs the seeds' roundness (min_round): jitter lifts these lines' area above start_z.
    t, points = _path(10, ratio=0.0, tilt=0.3, noise=0.15, seed=seed)
    assert _counts(t, points) == {"clockwise": 0, "counterclockwise": 0}


def test_a_toe_swaying_less_than_the_smallest_circle_is_still() -> None:
    t, points = _path(10, noise=0.0)
    small = points * 0.01
    assert sum(s.full_circles for s in circle_sets(t, small, min_radius=0.05)) == 0
    assert sum(s.full_circles for s in circle_sets(t, small)) == 10
