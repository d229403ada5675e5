"""The pieces ankle-circle counts are settled with: the local harmonic fit
(`crampcoach.motion.harmonic`) and the walk, phase track and edge fit
(`crampcoach.motion.circle_edges`), on paths with known answers drawn here."""

from __future__ import annotations

import math

import numpy as np
import pytest

from crampcoach.motion.circle_edges import CIRCLING, STILL, UNKNOWN, PhaseTrack, fit_edge, walk
from crampcoach.motion.harmonic import despike, harmonic_fit, to_grid

FPS = 30.0


def _circle(t: np.ndarray, hz: float, radius: float = 1.0) -> np.ndarray:
    """(n, 2) image points (y down) turning the person's clockwise way at +hz."""
    phase = 2 * math.pi * hz * t
    return np.column_stack([radius * np.cos(phase), -radius * np.sin(phase)])


def test_despike_replaces_a_single_frame_outlier_and_keeps_the_rest() -> None:
    points = np.column_stack([np.arange(10.0), np.zeros(10)])
    thrown = points.copy()
    thrown[4] = [50.0, -30.0]
    cleaned = despike(thrown)
    # Nothing moves further than one step of the path: the outlier takes its neighbours'
    # values, and they are untouched but for the order of three.
    assert float(np.max(np.abs(cleaned - points))) <= 1.0
    assert np.allclose(cleaned[[0, 1, 2, 7, 8, 9]], points[[0, 1, 2, 7, 8, 9]])


def test_to_grid_marks_lost_frames_instead_of_inventing_them() -> None:
    t = np.arange(0.0, 4.0, 1 / FPS)
    keep = (t < 1.5) | (t > 2.0)
    grid = to_grid(t[keep], _circle(t[keep], 1.0))
    lost = (grid.t > 1.52) & (grid.t < 1.98)
    assert lost.any() and not grid.valid[lost].any()
    assert grid.valid[(grid.t < 1.45) | (grid.t > 2.05)].all()
    assert grid.step == pytest.approx(1 / FPS, rel=1e-6)


@pytest.mark.parametrize("hz", [0.6, 1.0, 2.0])
@pytest.mark.parametrize("way", [1, -1])
def test_harmonic_fit_finds_the_radius_and_direction_of_a_circle(hz: float, way: int) -> None:
    t = np.arange(0.0, 8.0, 1 / FPS)
    points = _circle(t, hz, radius=3.0) + np.array([5.0, 2.0])
    fit = harmonic_fit(to_grid(t, points), way * hz, 0.45)
    middle = slice(len(t) // 4, 3 * len(t) // 4)
    # The person's clockwise at +hz: the area is +r^2 at +hz and -r^2 at -hz.
    assert np.allclose(fit.area[middle], way * 9.0, rtol=1e-3)
    assert np.all(way * fit.z[middle] > 100)


def test_harmonic_fit_sees_no_area_in_a_line_and_only_jitter_in_stillness() -> None:
    rng = np.random.default_rng(3)
    t = np.arange(0.0, 10.0, 1 / FPS)
    line = np.column_stack([2 * np.cos(2 * math.pi * t), np.zeros_like(t)])
    fit = harmonic_fit(to_grid(t, line), 1.0, 0.45)
    middle = slice(60, -60)
    assert np.all(np.abs(fit.area[middle]) < 1e-6)
    assert np.all(np.abs(fit.a[middle]) > 0.9)  # it does move, at that rate, both ways
    still = rng.normal(0.0, 0.5, (len(t), 2))
    z = harmonic_fit(to_grid(t, still), 1.0, 0.45).z[middle]
    assert float(np.std(z)) < 2.0  # jitter alone stays near nothing, in its own units
    assert float(np.max(np.abs(z))) < 5.0  # below what a set needs to start


def test_harmonic_fit_stays_unbiased_across_lost_frames_but_less_sure() -> None:
    t = np.arange(0.0, 6.0, 1 / FPS)
    keep = (t < 2.8) | (t > 3.3)
    whole = harmonic_fit(to_grid(t, _circle(t, 1.0, 2.0)), 1.0, 0.45)
    holed = harmonic_fit(to_grid(t[keep], _circle(t[keep], 1.0, 2.0)), 1.0, 0.45)
    at = int(np.argmin(np.abs(to_grid(t[keep], _circle(t[keep], 1.0)).t - 3.05)))
    assert holed.area[at] == pytest.approx(4.0, rel=1e-3)
    assert holed.cover[at] < whole.cover[at] <= 1.0 + 1e-9


def test_walk_crosses_short_unknown_stretches_and_stops_at_stillness() -> None:
    c, s, u = CIRCLING, STILL, UNKNOWN
    state = np.array([s] * 5 + [c] * 10 + [u] * 3 + [c] * 10 + [s] * 10)
    last, after = walk(state, 7, 1, dip=3, bridge=5)
    assert (last, after) == (27, 28)
    first, before = walk(state, 7, -1, dip=3, bridge=5)
    assert (first, before) == (5, 4)
    # An unknown stretch longer than the bridge ends the walk before it.
    last, after = walk(state, 7, 1, dip=3, bridge=2)
    assert last == 14 and after == 28


def test_walk_crosses_a_short_still_dip_but_not_a_long_one() -> None:
    c, s = CIRCLING, STILL
    short = np.array([c] * 10 + [s] * 2 + [c] * 10 + [s] * 10)
    assert walk(short, 2, 1, dip=3, bridge=5)[0] == 21
    long = np.array([c] * 10 + [s] * 6 + [c] * 4 + [s] * 10)
    assert walk(long, 2, 1, dip=3, bridge=5)[0] == 9
    assert walk(np.array([c] * 8), 3, 1, dip=3, bridge=5) == (7, None)


def test_phase_track_bridges_an_unseen_stretch_at_the_local_rate() -> None:
    hz = 1.3
    t = np.arange(0.0, 10.0, 1 / FPS)
    angle = np.angle(np.exp(2j * math.pi * hz * t))
    sure = (t < 4.0) | (t > 5.4)  # 1.8 circles unseen
    track = PhaseTrack(t, angle, sure, hz)
    assert track.ok
    assert float(track.at(9.0) - track.at(1.0)) == pytest.approx(8 * hz, abs=1e-6)
    assert float(track.at(4.7) - track.at(1.0)) == pytest.approx(3.7 * hz, abs=0.02)
    # Past the seen part, the phase goes on at the rate of the nearest circles.
    assert float(track.at(11.0) - track.at(10.0 - 1 / FPS)) == pytest.approx(
        (1 + 1 / FPS) * hz, abs=0.02
    )


def test_phase_track_counts_its_own_way_positive() -> None:
    t = np.arange(0.0, 5.0, 1 / FPS)
    angle = np.angle(np.exp(-2j * math.pi * 0.8 * t))
    track = PhaseTrack(t, angle, np.ones(len(t), bool), -0.8)
    assert float(track.at(4.5) - track.at(0.5)) == pytest.approx(3.2, abs=1e-6)
    assert not PhaseTrack(t, angle, np.zeros(len(t), bool), -0.8).ok


@pytest.mark.parametrize("edge", [3.0, 3.37])
@pytest.mark.parametrize("way", [-1, 1])
def test_fit_edge_finds_where_a_circle_starts_or_ends(edge: float, way: int) -> None:
    hz, rng = 1.0, np.random.default_rng(7)
    t = np.arange(0.0, 7.0, 1 / FPS)
    on = t >= edge if way < 0 else t <= edge
    z = np.where(on, np.exp(2j * math.pi * hz * t), 0) + 0.3 * t + rng.normal(0, 0.05, len(t))
    turns = hz * t
    candidates = np.arange(edge - 1.5, edge + 0.9, 0.02)  # not centred on the answer
    assert fit_edge(t, z, turns, candidates, way, 1 / hz) == pytest.approx(edge, abs=0.05)


def test_fit_edge_takes_the_middle_of_a_gap_it_cannot_see_into() -> None:
    hz = 1.0
    t = np.arange(0.0, 8.0, 1 / FPS)
    edge = 4.1
    z = np.where(t <= edge, np.exp(2j * math.pi * hz * t), 0)
    seen = (t < 3.6) | (t > 4.6)  # the end falls in a lost second
    candidates = np.arange(3.0, 5.6, 0.02)  # their own middle is 4.3
    got = fit_edge(t[seen], z[seen], hz * t[seen], candidates, 1, 1 / hz)
    assert got == pytest.approx(edge, abs=0.15)
