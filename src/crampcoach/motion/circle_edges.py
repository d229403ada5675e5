"""Where a set of circles reaches, its phase, and where exactly it starts and ends
(the pieces `crampcoach.motion.circle_sets` is built from; pure numpy).

- `walk`: from inside a set outward over per-moment judgements (circling, not circling,
  cannot tell), as far as circling outweighs not circling; what cannot be told (lost
  frames, a burst of jitter) is crossed, up to a limit.
- `PhaseTrack`: the set's phase from the moments it clearly circles, unwrapped; where it
  cannot be seen, the toe is taken to circle on at its local rate (and where it is seen
  again, the phase there says the rest), and past the seen part the phase goes on at the
  rate of the nearest circle.
- `fit_edge`: an end placed by least squares on the path itself: a low-order drift plus a
  circle that fades in (or out) with a smooth ramp, the circle following the phase track,
  tried at every candidate moment and ramp width. Where the data cannot tell (a gap), the
  middle of what fits as well is taken.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

CIRCLING, STILL, UNKNOWN = 1, 0, -1
DRIFT_DEGREE = 3  # the path's own drift near an end (lifting or lowering the foot)
RAMP_WIDTHS = (0.0, 0.1, 0.2, 0.3)  # circles: how gradually a set may fade in or out
OUTSIDE_CIRCLES = 0.75  # an end's fit sees this much beyond the latest candidate ...
INSIDE_CIRCLES = 1.0  # ... and this much inside the earliest
FLAT = 1.0  # an end fits "as well" within this many jitter variances of the best
TINY_GRAM = 1e-12


def walk(state: np.ndarray, start: int, way: int, dip: int, bridge: int) -> tuple[int, int | None]:
    """From `start` going `way` (+1, -1): the farthest reach that maximises circling minus
    still moments, given up once still moments outweigh circling ones by more than `dip`
    or an unknown stretch lasts more than `bridge` moments. Returns (the last circling
    moment reached, the first still moment beyond it, or None at the path's end)."""
    n = len(state)
    best_j, score, best, unknown = start, 0, 0, 0
    j = start + way
    while 0 <= j < n:
        if state[j] == UNKNOWN:
            unknown += 1
            if unknown > bridge:
                break
        else:
            unknown = 0
            score += 1 if state[j] == CIRCLING else -1
            if score > best:
                best, best_j = score, j
            elif best - score > dip:
                break
        j += way
    k = best_j + way
    while 0 <= k < n and state[k] != STILL:
        k += way
    return best_j, (k if 0 <= k < n else None)


def _wrap(turns: np.ndarray) -> np.ndarray:
    return (turns + 0.5) % 1.0 - 0.5


class PhaseTrack:
    """A set's phase in turns (its own way positive) at the moments where it clearly
    circles, unwrapped; `at(t)` anywhere (see the module's docs)."""

    def __init__(self, t: np.ndarray, angle: np.ndarray, sure: np.ndarray, hz: float) -> None:
        self.period = 1.0 / abs(hz)
        known = np.flatnonzero(sure)
        self.t = t[known]
        self.ok = len(known) >= 4
        self.rates = (abs(hz), abs(hz))
        if not self.ok:
            self.turns = np.zeros(len(known))
            return
        seen = angle[known] * math.copysign(1.0, hz) / (2 * math.pi)
        dt = np.diff(self.t)
        short = dt <= 1.5 * np.median(dt)
        step_rate = np.where(short, _wrap(np.diff(seen)) / np.maximum(dt, 1e-9), np.nan)
        rate = np.full(len(dt), abs(hz))
        for i in np.flatnonzero(~short):
            # across an unseen stretch: the rate of the circles on either side of it
            near = self.t[:-1] >= self.t[i] - self.period
            near &= (self.t[1:] <= self.t[i + 1] + self.period) & short
            if near.sum() >= 3:
                rate[i] = float(np.median(step_rate[near]))
        expected = rate * dt
        steps = expected + _wrap(np.diff(seen) - expected)
        self.turns = np.concatenate([[0.0], np.cumsum(steps)])
        self.rates = (self._end_rate(0), self._end_rate(-1))

    def _end_rate(self, end: int) -> float:
        near = np.abs(self.t - self.t[end]) <= self.period
        if near.sum() < 3 or np.ptp(self.t[near]) <= 0:
            return 1.0 / self.period
        return float(np.polyfit(self.t[near], self.turns[near], 1)[0])

    @property
    def first_t(self) -> float:
        return float(self.t[0])

    @property
    def last_t(self) -> float:
        return float(self.t[-1])

    def at(self, x: np.ndarray | float) -> np.ndarray:
        x = np.asarray(x, float)
        inside = np.interp(x, self.t, self.turns)
        before = self.turns[0] - (self.t[0] - x) * self.rates[0]
        after = self.turns[-1] + (x - self.t[-1]) * self.rates[1]
        return np.where(x < self.t[0], before, np.where(x > self.t[-1], after, inside))


def _ramp(inside: np.ndarray, width: float) -> np.ndarray:
    """0 outside, 1 inside, a smoothstep of `width` seconds centred on the edge."""
    if width <= 0:
        return (inside >= 0).astype(float)
    s = np.clip(inside / width + 0.5, 0.0, 1.0)
    return s * s * (3 - 2 * s)


def fit_edge(
    t: np.ndarray,
    z: np.ndarray,
    turns: np.ndarray,
    candidates: np.ndarray,
    way: int,
    period: float,
    widths: Sequence[float] = RAMP_WIDTHS,
) -> float:
    """Where a set starts (way -1: circling after it) or ends (+1: before it) among
    `candidates` (seconds): least squares on the path z (complex, at times t) of a cubic
    drift plus a circle following `turns` (the phase track there) that fades at the edge."""
    if way < 0:
        lo, hi = candidates[0] - OUTSIDE_CIRCLES * period, candidates[-1] + INSIDE_CIRCLES * period
    else:
        lo, hi = candidates[0] - INSIDE_CIRCLES * period, candidates[-1] + OUTSIDE_CIRCLES * period
    near = (t >= lo) & (t <= hi)
    if near.sum() < 8:
        return float(candidates[len(candidates) // 2])
    tt, zz = t[near], z[near]
    u = (tt - tt.mean()) / max(float(np.ptp(tt)), 1e-9)
    drift = np.stack([u**d for d in range(DRIFT_DEGREE + 1)], axis=-1)
    own = np.exp(2j * math.pi * turns[near])
    inside = (tt[None, :] - candidates[:, None]) * (-way)
    best, best_at = math.inf, float(candidates[0])
    for width in widths:
        fade = _ramp(inside, width * period)
        design = np.concatenate(
            [
                np.broadcast_to(drift, (len(candidates), *drift.shape)),
                (fade * own)[..., None],
                (fade * own.conj())[..., None],
            ],
            axis=-1,
        )
        target = zz
        adjoint = design.conj().transpose(0, 2, 1)
        gram = adjoint @ design + TINY_GRAM * np.eye(design.shape[-1])[None]
        coef = np.linalg.solve(gram, adjoint @ target[:, None])
        rss = np.sum(np.abs(target[None, :] - (design @ coef)[..., 0]) ** 2, axis=1)
        k = int(np.argmin(rss))
        if rss[k] < best:
            freedom = max(2 * len(zz) - 2 * design.shape[-1], 1)
            level = rss[k] * (1 + FLAT / freedom)
            lo_k, hi_k = k, k
            while lo_k > 0 and rss[lo_k - 1] <= level:
                lo_k -= 1
            while hi_k < len(rss) - 1 and rss[hi_k + 1] <= level:
                hi_k += 1
            best, best_at = float(rss[k]), float(0.5 * (candidates[lo_k] + candidates[hi_k]))
    return best_at
