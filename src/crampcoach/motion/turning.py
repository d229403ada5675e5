"""Steady turning: how much of a 2-D path is one circle after another, one way.

Used to tell ankle circles from everything else that moves a foot (walking, kicking,
writing a letter): a circle is the one movement whose path, seen over a circle or so, is
a single point going round at one rate. At each moment the path around it (Gaussian
window, a fixed number of circles wide at each candidate rate) is compared with a point
turning steadily at that rate, both ways: the share of the path's spread that one such
turning explains is near 1 for circles (an ellipse seen at an angle still gives more than
0.9), at most a half for a line swung back and forth (it is two opposite turnings), and
low for the strokes of a letter. Moments whose share passes `min_share` and that keep one
sense and a similar rate make a run; the turns of a run are its rate integrated over it.

Kept apart from the ankle-circle counter on purpose: whether circles were made at all is
decided by this measure, whatever method counts them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from crampcoach.motion.landmarks import Side
from crampcoach.motion.stillness import BodyTrack

RATES_HZ = np.geomspace(0.45, 2.6, 10)  # circles a second: as many as a person can count
STEP_S = 0.1  # judged every so often (a circle takes 0.4 s or more)
SMOOTH_S = 0.05  # Gaussian smoothing before judging (sigma): jitter is frame to frame
ABOVE_JITTER = 2.0  # a turning's spread at least this many times what the jitter leaves
MIN_LOOP = 0.02  # shank lengths (about 1 cm): a smaller loop is not a circle
MAX_RATE_CHANGE = 1.6  # one run changes its rate by less than this factor between moments


@dataclass(frozen=True)
class Run:
    start_t: float
    end_t: float
    turns: float  # signed: + the person's clockwise (the angle of x - i*y increasing)


def _smooth(times: np.ndarray, points: np.ndarray, sigma_s: float) -> tuple[np.ndarray, float]:
    """The path after a three-frame median (single-frame outliers) and Gaussian smoothing,
    and the variance (both axes) that the jitter still adds to it."""
    second = points[2:] - 2 * points[1:-1] + points[:-2]
    jitter = float(((1.4826 * np.median(np.abs(second), axis=0)) ** 2 / 6).sum())
    stacked = np.stack([points[:-2], points[1:-1], points[2:]])
    points = np.concatenate([points[:1], np.median(stacked, axis=0), points[-1:]])
    out = np.empty_like(points)
    reach = 3 * sigma_s
    lo = np.searchsorted(times, times - reach)
    hi = np.searchsorted(times, times + reach, side="right")
    kept = []
    for i in range(len(times)):
        gaps = times[lo[i] : hi[i]] - times[i]
        weights = np.exp(-0.5 * (gaps / sigma_s) ** 2)
        weights /= weights.sum()
        out[i] = weights @ points[lo[i] : hi[i]]
        kept.append(float(weights @ weights))
    # Averaging n independent jitters keeps 1/n of their variance (the median's own
    # reduction is left out: the estimate errs on the side of more jitter).
    return out, jitter * float(np.median(kept))


@dataclass(frozen=True)
class Moments:
    """At each judged moment: the steadiest turning's signed rate (Hz) and its share."""

    times: np.ndarray
    rates: np.ndarray
    shares: np.ndarray  # 0 where nothing stands above the jitter


def turning_moments(
    times: np.ndarray, points: np.ndarray, *, window_circles: float, min_size: float
) -> Moments:
    """The steadiest turning at each moment of a path (times ascending; points (n, 2) in
    image axes, y down): `window_circles` is the window's Gaussian sigma in circles at
    each rate; `min_size` the smallest spread (radius, path units) that is movement."""
    grid = np.arange(times[0], times[-1], STEP_S) if len(times) >= 8 else np.zeros(0)
    rates, shares = np.zeros(len(grid)), np.zeros(len(grid))
    if not len(grid):
        return Moments(grid, rates, shares)
    path, jitter = _smooth(times, np.asarray(points, dtype=float), SMOOTH_S)
    z = path[:, 0] - 1j * path[:, 1]  # the person's clockwise is + (image y is down)
    sigmas = window_circles / RATES_HZ
    reach = 3 * float(sigmas.max())
    signed = np.concatenate([RATES_HZ, -RATES_HZ])
    for k, t in enumerate(grid):
        lo, hi = np.searchsorted(times, [t - reach, t + reach])
        gaps = times[lo:hi] - t
        weights = np.exp(-0.5 * (gaps[None, :] / sigmas[:, None]) ** 2)
        weights[np.abs(gaps)[None, :] > 3 * sigmas[:, None]] = 0.0
        enough = (weights > 0).sum(axis=1) >= 8
        weights /= np.maximum(weights.sum(axis=1, keepdims=True), 1e-12)
        local = z[lo:hi]
        mean = weights @ local
        # The path's own spread: what the jitter left after smoothing adds is taken off.
        spread = weights @ np.abs(local) ** 2 - np.abs(mean) ** 2 - jitter
        turn = np.exp(-2j * math.pi * RATES_HZ[:, None] * gaps[None, :])
        ahead = (weights * turn) @ local - mean * (weights * turn).sum(axis=1)
        back = (weights * turn.conj()) @ local - mean * (weights * turn.conj()).sum(axis=1)
        share = np.abs(np.concatenate([ahead, back])) ** 2 / np.maximum(
            np.concatenate([spread, spread]), 1e-12
        )
        # Movement, not jitter: at least `min_size`, and well above the jitter left.
        big = enough & (spread > max(min_size**2, ABOVE_JITTER * jitter))
        share[~np.concatenate([big, big])] = 0.0
        best = int(np.argmax(share))
        rates[k], shares[k] = signed[best], share[best]
    return Moments(grid, rates, shares)


def turning_runs(
    times: np.ndarray,
    points: np.ndarray,
    *,
    min_share: float,
    window_circles: float,
    min_size: float,
) -> list[Run]:
    """Runs of steady turning one way on a path: moments (`turning_moments`) whose
    steadiest turning explains at least `min_share` of the path's spread, keeping one
    sense and a similar rate."""
    moments = turning_moments(times, points, window_circles=window_circles, min_size=min_size)
    return runs_of(moments, min_share)


def runs_of(moments: Moments, min_share: float) -> list[Run]:
    kept = [
        (float(t), float(rate)) if share >= min_share else None
        for t, rate, share in zip(moments.times, moments.rates, moments.shares, strict=True)
    ]
    return _runs(kept)


def _runs(moments: list[tuple[float, float] | None]) -> list[Run]:
    runs: list[Run] = []
    start: float | None = None
    turns = 0.0
    last_rate = 0.0
    last_t = 0.0
    for moment in [*moments, None]:
        same = (
            moment is not None
            and start is not None
            and moment[1] * last_rate > 0
            and max(moment[1] / last_rate, last_rate / moment[1]) < MAX_RATE_CHANGE
        )
        if start is not None and not same:
            runs.append(Run(start, last_t + STEP_S / 2, turns))
            start = None
        if moment is None:
            continue
        if start is None:
            start, turns = moment[0] - STEP_S / 2, 0.0
        turns += moment[1] * STEP_S
        last_rate, last_t = moment[1], moment[0]
    return runs


def foot_circling(
    body: BodyTrack,
    side: Side,
    *,
    min_share: float,
    window_circles: float,
    since: float = -math.inf,
) -> list[Run]:
    """Runs of one foot's line (toe minus heel) turning steadily one way, on the path
    from `since` on: what ankle circles are made of. The line turns with the foot about
    the ankle; lifting the leg or swaying hardly moves it."""
    times, line = body.path("foot", side)
    recent = times >= since
    times, line = times[recent], line[recent]
    shank = body.shank_length()
    if shank is None or len(times) < 8:
        return []
    return turning_runs(
        times,
        line,
        min_share=min_share,
        window_circles=window_circles,
        min_size=MIN_LOOP * shank,
    )
