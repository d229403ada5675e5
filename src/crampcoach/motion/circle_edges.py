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
  tried at every candidate moment and ramp width; the end is the candidates' mean,
  each weighed by its likelihood, so where the data cannot tell (a gap) it is the middle
  of what fits as well.
"""

from __future__ import annotations

import math

import numpy as np

from crampcoach.motion.harmonic import TINY

CIRCLING, STILL, UNKNOWN = 1, 0, -1
DRIFT_DEGREE = 3  # the path's own drift near an end (lifting or lowering the foot)
RAMP_WIDTHS = (0.0, 0.1, 0.2, 0.3)  # circles: how gradually a set may fade in or out
OUTSIDE_CIRCLES = 0.75  # an end's fit sees this much beyond the latest candidate ...
INSIDE_CIRCLES = 1.0  # ... and this much inside the earliest
REWEIGHT = 1  # robust passes after the plain least squares
WEIGHT_CIRCLES = 0.25  # residuals averaged this far either side, for the weights


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


def _search(
    tt: np.ndarray,
    zz: np.ndarray,
    weight: np.ndarray,
    base: np.ndarray,
    own: np.ndarray,
    inside: np.ndarray,
    period: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted least squares for every candidate and ramp width: (each candidate's
    likelihood at its best width, normalised; the best fit's residuals)."""
    root = np.sqrt(weight)
    profile = np.full(len(inside), math.inf)
    best = np.zeros(len(tt), complex)
    params = 0
    for width in RAMP_WIDTHS:
        fade = _ramp(inside, width * period)
        design = np.concatenate(
            [
                np.broadcast_to(base, (len(inside), *base.shape)),
                (fade * own)[..., None],
                (fade * own.conj())[..., None],
            ],
            axis=-1,
        )
        params = design.shape[-1]
        scaled = design * root[None, :, None]
        adjoint = scaled.conj().transpose(0, 2, 1)
        gram = adjoint @ scaled + 1e-9 * np.eye(params)[None]
        coef = np.linalg.solve(gram, adjoint @ (zz * root)[:, None])
        residual = zz[None, :] - (design @ coef)[..., 0]
        rss = np.sum(weight[None, :] * np.abs(residual) ** 2, axis=1)
        k = int(np.argmin(rss))
        if rss[k] < profile.min():
            best = residual[k]
        profile = np.minimum(profile, rss)
    k = int(np.argmin(profile))
    # How likely each candidate is, given the jitter the best fit leaves: where the data
    # cannot tell (a gap), all alike, so the expected edge is the middle of what fits.
    jitter = profile[k] / max(2 * len(zz) - 2 * params, 1)
    likely = np.exp(-0.5 * (profile - profile[k]) / max(jitter, TINY))
    return likely / likely.sum(), best


def _local_weights(tt: np.ndarray, residual: np.ndarray, period: float) -> np.ndarray:
    """1 / the residuals' local variance (over a quarter circle either side): a burst of
    jitter or a landmark wandering off counts for less."""
    power = np.abs(residual) ** 2
    near = np.abs(tt[:, None] - tt[None, :]) <= WEIGHT_CIRCLES * period
    local = (near @ power) / near.sum(axis=1)
    floor = 0.25 * float(np.median(local)) + TINY
    weight = 1.0 / np.maximum(local, floor)
    return weight / weight.mean()


def fit_edge(
    t: np.ndarray,
    z: np.ndarray,
    turns: np.ndarray,
    candidates: np.ndarray,
    way: int,
    period: float,
) -> float:
    """Where a set starts (way -1: circling after it) or ends (+1: before it) among
    `candidates` (seconds): least squares on the path z (complex, at times t) of a cubic
    drift plus a circle following `turns` (the phase track there) that fades at the edge;
    then once more with each moment weighted by how well the first fit explained the
    moments around it (robust against bursts of jitter)."""
    if way < 0:
        lo, hi = candidates[0] - OUTSIDE_CIRCLES * period, candidates[-1] + INSIDE_CIRCLES * period
    else:
        lo, hi = candidates[0] - INSIDE_CIRCLES * period, candidates[-1] + OUTSIDE_CIRCLES * period
    near = (t >= lo) & (t <= hi)
    if near.sum() < 8:
        return float(candidates[len(candidates) // 2])
    tt, zz = t[near], z[near]
    u = (tt - tt.mean()) / max(float(np.ptp(tt)), 1e-9)
    base = np.stack([u**d for d in range(DRIFT_DEGREE + 1)], axis=-1)
    own = np.exp(2j * math.pi * turns[near])
    inside = (tt[None, :] - candidates[:, None]) * (-way)
    likely, residual = _search(tt, zz, np.ones(len(tt)), base, own, inside, period)
    for _ in range(REWEIGHT):
        weight = _local_weights(tt, residual, period)
        likely, residual = _search(tt, zz, weight, base, own, inside, period)
    return float(likely @ candidates)
